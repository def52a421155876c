import ArgumentParser
import FlowTestShared
import Foundation

/// `flowtest-controller crd`: prints the FlowTest CustomResourceDefinition as YAML, or with
/// `--reference` its field reference as Markdown.
///
/// deploy/crds/flowtest.dev_flowtests.yaml and docs/flowtest-fields.md are this command's output:
/// `flowtest-controller crd > deploy/crds/flowtest.dev_flowtests.yaml`,
/// `flowtest-controller crd --reference > docs/flowtest-fields.md`. Both come from the same
/// schema, so the reference says exactly what the API server enforces.
struct CRDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crd", abstract: "Print the FlowTest CustomResourceDefinition (YAML), generated from the API types.")

    @Flag(help: "Print the CRD's field reference (Markdown, docs/flowtest-fields.md) instead of the CRD.")
    var reference = false

    func run() throws {
        let text = reference ? FlowTestFieldReference.markdown() : try FlowTestCRD.yaml()
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
