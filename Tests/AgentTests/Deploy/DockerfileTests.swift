import FakeKubernetes
import Foundation
import Testing

/// No Docker engine runs here: the images' build steps are exercised by `.ci/run` running the
/// very same commands. These tests keep the two from drifting apart.
@Suite("Dockerfiles: build steps that CI runs")
struct DockerfileTests {
    static func buildCommands(_ dockerfile: String) throws -> [String] {
        try RepositoryFile.text(dockerfile).split(separator: "\n").compactMap { line in
            line.hasPrefix("RUN swift build") ? String(line.dropFirst(4)) : nil
        }
    }

    @Test(arguments: ["agent", "controller"])
    func theImageBuildsWhatCIBuilds(role: String) throws {
        let commands = try Self.buildCommands("Dockerfile.\(role)")
        #expect(commands == ["swift build -c release --static-swift-stdlib --product flowtest-\(role)"])
        let ci = try RepositoryFile.text(".ci/run").split(separator: "\n").map(String.init)
        for command in commands {
            #expect(ci.contains(command), ".ci/run must run `\(command)` as Dockerfile.\(role) does")
        }
        #expect(ci.contains("scripts/check-runtime-libraries.sh \"$release/flowtest-\(role)\" Dockerfile.\(role)"))
    }

    @Test(arguments: ["agent", "controller"])
    func theImageRunsAsNonRootWithLabels(role: String) throws {
        let text = try RepositoryFile.text("Dockerfile.\(role)")
        #expect(text.contains("USER 65534:65534"), "the pods run as uid 65534")
        #expect(text.contains("FROM debian:bookworm-slim"))
        #expect(text.contains("ENTRYPOINT [\"/usr/local/bin/flowtest-\(role)\"]"))
        for label in ["title", "description", "version", "source"] {
            #expect(text.contains("org.opencontainers.image.\(label)="))
        }
    }
}
