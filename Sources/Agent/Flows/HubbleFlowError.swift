/// A Hubble flow line that is a flow but not a well-formed one.
struct HubbleFlowError: Error {
    var problem: String

    init(_ problem: String) {
        self.problem = problem
    }
}
