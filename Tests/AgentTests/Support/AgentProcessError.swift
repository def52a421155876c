import Foundation

enum AgentProcessError: Error {
    case notReady
}
