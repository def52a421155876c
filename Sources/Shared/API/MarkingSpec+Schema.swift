extension MarkingSpec {
    /// A `host:port` with a name, an IPv4 address or a bracketed IPv6 address, and a port 1–65535.
    public static let collectorPattern =
        #"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?):([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$"#

    /// The schema of `spec.flows.marking`.
    public static let schema = Schema.object(
        "How generated packets are marked, and how the echo checks what arrived: a DSCP, an IPv6 SciTags flow label, and fireflies.",
        rules: [
            ValidationRule(
                cel: "!has(self.fireflies) || has(self.scitag)",
                message: "fireflies announce a SciTag: set scitag too", fieldPath: ".fireflies"
            ) { marking in marking["fireflies"] == nil || marking["scitag"] != nil },
            ValidationRule(
                cel: "!has(self.fireflies) || self.fireflies.toDestination || has(self.fireflies.collector)",
                message: "fireflies go nowhere: set toDestination or a collector", fieldPath: ".fireflies"
            ) { marking in
                guard let fireflies = marking["fireflies"] else { return true }
                return fireflies["toDestination"]?.bool != false || fireflies["collector"] != nil
            },
        ],
        [
            "dscp": dscpSchema,
            "scitag": .object(
                "SciTags marking (IPv6 only): every flow's 20-bit flow label carries the experiment id (bit-reversed) and the activity id, with 5 random bits drawn per flow, as flowd lays it out.",
                required: ["experiment", "activity"],
                [
                    "experiment": .integer("Science domain (experiment) id.", minimum: 0, maximum: 511),
                    "activity": .integer("Activity id.", minimum: 0, maximum: 63),
                ]),
            "fireflies": .object(
                "Send a SciTags firefly (syslog header and firefly JSON, schema version 1) over UDP at each flow's start and end.",
                [
                    "port": .integer("UDP port of the flow's destination that fireflies go to.", minimum: 1, maximum: 65535, default: 10514, format: "int32"),
                    "toDestination": .boolean("Send fireflies to the flow's destination (the echo servers count them).", default: true),
                    "collector": .pattern("A collector host:port that receives every firefly too; an IPv6 address in brackets.", collectorPattern, meaning: "host:port", maxLength: 261),
                ]),
        ])

    /// `dscp`: an int-or-string, as Kubernetes ports are.
    static let dscpSchema: Schema = {
        var schema = Schema(kind: .intOrString, description: "DiffServ code point of every packet both ways: 0-63 or a class name (EF, AF11-AF43, CS0-CS7, LE, VA).")
        schema.minimum = 0
        schema.maximum = 63
        schema.pattern = DSCPValue.pattern
        schema.patternMeaning = DSCPValue.expected
        schema.maxLength = 4
        return schema
    }()
}
