/// Boxes a schema so `Schema` can contain schemas (array items, map values).
public final class SchemaBox: Sendable {
    public let schema: Schema
    public init(_ schema: Schema) { self.schema = schema }
}
