import Testing

@testable import ProjectCore

/// `renamed_from:`: where `migrate` finds a field's values from before a rename.
extension ManifestLoaderTests {
  /// A manifest of one service `s` with these lines under `fields:`.
  static func renamed(_ fields: String) -> String { "version: 1\nservices:\n  s:\n    fields:\n" + fields }

  @Test func renamedFromTakesANameOrAListOfNames() throws {
    let manifest = try load(
      Self.renamed(
        "      team: { type: string, renamed_from: squad }\n      age: { type: integer, renamed_from: [years, old_age] }\n"
      ))
    let schema = try #require(manifest.service(named: "s")).schema
    #expect(schema.spec(for: "team")?.renamedFrom == ["squad"])
    #expect(schema.spec(for: "age")?.renamedFrom == ["years", "old_age"])
  }

  @Test func badRenamedFromNamesAreRefusedWithTheirPlace() {
    #expect(
      error(Self.renamed("      team: { type: string, renamed_from: 'bad name' }\n"))
        == "/srv/app/project.yaml:5:43: services.s.fields.team.renamed_from: old field name 'bad name' is not a safe name; use letters, digits and '_', starting with a letter or '_' (at most 64 characters)"
    )
    #expect(
      error(Self.renamed("      team: { type: string, renamed_from: [] }\n"))
        == "/srv/app/project.yaml:5:43: services.s.fields.team.renamed_from: expected a field name or a list of field names"
    )
    #expect(
      error(Self.renamed("      team: { type: string, renamed_from: [a, a] }\n"))
        == "/srv/app/project.yaml:5:47: services.s.fields.team.renamed_from[1]: duplicate old name 'a'")
    #expect(
      error(
        Self.renamed(
          "      o:\n        type: object\n        fields:\n          x: { type: string, renamed_from: y }\n"))
        == "/srv/app/project.yaml:8:30: services.s.fields.o.fields.x.renamed_from: 'renamed_from' applies to top-level fields only"
    )
  }
}
