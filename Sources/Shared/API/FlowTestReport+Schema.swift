extension FlowTestReport {
    /// The `openAPIV3Schema` of the FlowTestReport CRD: `report` is the very schema of a
    /// FlowTest's `status.agents.<pod>`, so an agent's figures validate the same in either place.
    public static let schema = Schema.object(
        "One agent pod's reports, written by that agent only (one object per pod, named after it, owned by its FlowTest); the controller sums them into the FlowTest's status.",
        required: ["report"],
        [
            "apiVersion": .string("APIVersion defines the versioned schema of this representation of an object."),
            "kind": .string("Kind is a string value representing the REST resource this object represents."),
            // The API server allows nothing but the type here; it validates metadata itself.
            "metadata": {
                var metadata = Schema(kind: .object, description: "")
                metadata.validatesMembers = false
                return metadata
            }(),
            "report": FlowTestStatus.agentStatus,
            "latest": headline,
        ])

    static let headline = Schema.object(
        "The latest incarnation's headline figures, for kubectl get; the controller never reads them.",
        required: ["incarnation", "reportTime", "finished"],
        [
            "incarnation": .string("The incarnation key these figures come from.", maxLength: 64),
            "reportTime": FlowTestStatus.dateTime("When that incarnation wrote them."),
            "finished": .boolean("True once that incarnation has stopped."),
            "flowsStarted": .integer("Generators: TCP and UDP flows started."),
            "flowsFailed": .integer("Generators: TCP and UDP flows failed."),
            "rttP99Milliseconds": .number("Generators: 99th-percentile round trip in milliseconds."),
        ])
}
