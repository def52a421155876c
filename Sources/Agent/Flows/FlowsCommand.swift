import ArgumentParser

/// `flowtest-agent flows`: the flow log after the run.
struct FlowsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flows",
        abstract: "Work with flow logs: convert what kubectl logs gives back, compare with Hubble.",
        subcommands: [FlowsConvertCommand.self, FlowsDiffCommand.self])
}
