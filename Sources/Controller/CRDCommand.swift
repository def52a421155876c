import ArgumentParser
import FlowTestShared
import Foundation

/// `flowtest-controller crd`: prints the FlowTest CustomResourceDefinition as YAML.
///
/// deploy/crds/flowtest.dev_flowtests.yaml is this command's output:
/// `flowtest-controller crd > deploy/crds/flowtest.dev_flowtests.yaml`.
struct CRDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crd", abstract: "Print the FlowTest CustomResourceDefinition (YAML), generated from the API types.")

    func run() throws {
        FileHandle.standardOutput.write(Data(try FlowTestCRD.yaml().utf8))
    }
}
