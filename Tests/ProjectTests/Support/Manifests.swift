/// Manifests the end-to-end tests write into their temp folders.
enum Manifests {
  /// The DESIGN example service, optionally with `defaults.backend`.
  static func example(backend: String? = nil) -> String {
    var text = """
      version: 1
      app: myapp
      data_dir: data

      """
    if let backend { text += "defaults:\n  backend: \(backend)\n" }
    text += """
      services:
        example:
          description: Example items
          fields:
            name:   { type: string, required: true, min_length: 1 }
            count:  { type: integer, default: 0, minimum: 0 }
            status: { type: enum, values: [active, archived], default: active }
            tags:   { type: array, items: string, default: [] }
            meta:   { type: object, additional: true }
          indexes: [status]

      """
    return text
  }

  static let example = example()

  /// `example` plus a `hosts` service that uses every other field type and a natural key.
  static let withHosts =
    example + """
        hosts:
          description: Servers in the fleet
          id: { field: hostname }
          fields:
            hostname:   { type: string, required: true, pattern: "^[a-z0-9][a-z0-9.-]*$", max_length: 253 }
            ip:         { type: string, unique: true }
            cpu_load:   { type: number, minimum: 0 }
            cores:      { type: integer, minimum: 1, default: 1 }
            active:     { type: boolean, default: true }
            last_seen:  { type: datetime }
            installed:  { type: date }
            role:       { type: enum, values: [web, db, cache, worker] }
            labels:     { type: array, items: { type: string, min_length: 1 } }
            location:
              type: object
              fields:
                region: { type: string, required: true }
                rack:   { type: integer }
            extra:      { type: any }

      """
}
