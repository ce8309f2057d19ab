/// The commented manifest `project init` writes.
enum StarterManifest {
  static let text = """
    # project.yaml: the services this project stores records for.
    # Each service gets a JSON file store and a SQLite store; they never sync by themselves.
    # Move records between them with `project svc <service> export` and `import`.
    version: 1
    app: myapp                 # names the database: data/db/myapp.db
    data_dir: data             # relative to this file
    defaults:
      backend: sqlite          # or json; --backend overrides it per command

    services:
      example:
        description: Example items
        fields:
          name:   { type: string, required: true, min_length: 1 }
          count:  { type: integer, default: 0, minimum: 0 }
          status: { type: enum, values: [active, archived], default: active }
          tags:   { type: array, items: string, default: [] }
          meta:   { type: object, additional: true }
        indexes: [status]      # SQLite expression indexes for fast --where
        # id: uuid7            # uuid7 (default), uuid4, or {field: NAME} for a natural key
        # stores:              # optional; these are the defaults
        #   json:   { path: json/example_items.json }
        #   sqlite: { path: db/myapp.db, table: example_items }

    """
}
