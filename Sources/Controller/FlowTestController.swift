import ArgumentParser
import FlowTestShared
import Foundation

/// `flowtest-controller`: runs FlowTests on a Kubernetes cluster.
@main
struct FlowTestController: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowtest-controller",
        abstract: "The FlowTest Kubernetes controller.",
        subcommands: [CRDCommand.self])
}
