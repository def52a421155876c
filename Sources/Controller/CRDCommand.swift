import ArgumentParser
import FlowTestShared
import Foundation

/// `flowtest-controller crd`: prints a CustomResourceDefinition of the `flowtest.dev` group as YAML.
///
/// The files in deploy/crds are this command's output, one kind per file, so each can be
/// compared with `cmp` on its own:
/// `flowtest-controller crd > deploy/crds/flowtest.dev_flowtests.yaml` and
/// `flowtest-controller crd --kind FlowTestReport > deploy/crds/flowtest.dev_flowtestreports.yaml`.
struct CRDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crd", abstract: "Print a CustomResourceDefinition (YAML), generated from the API types.")

    /// The kinds this command renders; FlowTest first, as the default.
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case flowTest = "FlowTest"
        case flowTestReport = "FlowTestReport"
    }

    @Option(help: "The kind whose CRD to print: \(Kind.allCases.map(\.rawValue).joined(separator: " or ")).")
    var kind: Kind = .flowTest

    func run() throws {
        let yaml =
            switch kind {
            case .flowTest: try FlowTestCRD.yaml()
            case .flowTestReport: try FlowTestReportCRD.yaml()
            }
        FileHandle.standardOutput.write(Data(yaml.utf8))
    }
}
