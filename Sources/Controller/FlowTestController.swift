import ArgumentParser
import FlowTestShared
import Foundation

/// `flowtest-controller`: runs FlowTests on a Kubernetes cluster.
@main
struct FlowTestController: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowtest-controller",
        abstract: "The FlowTest Kubernetes controller.",
        subcommands: [RunCommand.self, CRDCommand.self])

    /// One line and exit code 64 for a bad flag or variable, as the agent does.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("flowtest-controller: error: \(error)\n".utf8))
            Foundation.exit(64)
        } catch {
            exit(withError: error)
        }
    }
}
