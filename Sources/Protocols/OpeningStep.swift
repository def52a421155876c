/// What a client does after an opening step.
public enum OpeningStep: Sendable, Equatable {
    /// Send what was appended, then wait for the server's reply before the next step.
    case awaitReply
    /// Send what was appended; the requests may follow at once.
    case ready
}
