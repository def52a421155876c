import ArgumentParser
import FlowTestShared
import Foundation

/// `flowtest-controller crd`: prints a CustomResourceDefinition of the `flowtest.dev` group as
/// YAML, or with `--reference` the FlowTest's field reference as Markdown.
///
/// The files in deploy/crds and docs/flowtest-fields.md are this command's output, one file
/// each, so each can be compared with `cmp` on its own:
/// `flowtest-controller crd > deploy/crds/flowtest.dev_flowtests.yaml`,
/// `flowtest-controller crd --kind FlowTestReport > deploy/crds/flowtest.dev_flowtestreports.yaml`,
/// `flowtest-controller crd --reference > docs/flowtest-fields.md`. They come from the same
/// schema, so the reference says exactly what the API server enforces.
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

    @Flag(help: "Print the CRD's field reference (Markdown, docs/flowtest-fields.md) instead of the CRD.")
    var reference = false

    func run() throws {
        let text =
            switch (kind, reference) {
            case (.flowTest, true): FlowTestFieldReference.markdown()
            case (.flowTest, false): try FlowTestCRD.yaml()
            case (.flowTestReport, _): try FlowTestReportCRD.yaml()
            }
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
