import FakeKubernetes
import Foundation
import Testing

/// The README is the way in: short, with the two commands people run, and links into docs/
/// that all lead somewhere. The reference lives in docs/, each page linked from the README.
@Suite("Documentation: the README's commands, links and anchors")
struct DocumentationTests {
    /// README.md and every page in docs/, by repository path.
    static func pages() throws -> [String] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: RepositoryFile.root.appendingPathComponent("docs").path)
        return ["README.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
    }

    @Test func ciRunsTheREADMEsTestCommand() throws {
        let readme = try RepositoryFile.text("README.md")
        #expect(readme.contains("```bash\nswift test --no-parallel\n```"), "the README must show the test command on its own")
        let ci = try RepositoryFile.text(".ci/run").split(separator: "\n").map(String.init)
        let marker = try #require(ci.firstIndex(of: "# README test command:"), ".ci/run must mark the README's test command")
        #expect(ci.dropFirst(marker + 1).first == "swift test --no-parallel", ".ci/run must run the README's test command unchanged")
    }

    @Test func theREADMEHasTheLocalRunAndStaysShort() throws {
        let readme = try RepositoryFile.text("README.md")
        #expect(readme.contains("swift run -c release flowtest-agent run examples/quickstart.yaml"))
        #expect(FileManager.default.fileExists(atPath: RepositoryFile.root.appendingPathComponent("examples/quickstart.yaml").path))
        // The quick start's next step must be findable: reference text belongs in docs/.
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(lines < 200, "README.md has \(lines) lines; move reference text to a page in docs/ and link it")
        #expect(readme.contains("## Dependencies"), "the README gives the reasons for the dependencies")
    }

    @Test func everyDocsPageIsLinkedFromTheREADME() throws {
        let readme = try RepositoryFile.text("README.md")
        for page in try Self.pages().dropFirst() {
            #expect(readme.contains("](\(page))"), "README.md does not link \(page)")
        }
    }

    /// Relative links (`docs/status.md#a-terminal-status-is-complete`, `#quick-start`) must name
    /// a file that exists and, with an anchor, a heading in it, as GitHub makes anchors.
    @Test func everyRelativeLinkAndAnchorResolves() throws {
        var broken: [String] = []
        for page in try Self.pages() {
            let directory = page.split(separator: "/").dropLast().joined(separator: "/")
            for link in MarkdownText.links(try RepositoryFile.text(page)) where !link.contains("://") && !link.hasPrefix("mailto:") {
                let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let target = parts[0].isEmpty ? page : MarkdownText.normalized(directory.isEmpty ? parts[0] : "\(directory)/\(parts[0])")
                guard FileManager.default.fileExists(atPath: RepositoryFile.root.appendingPathComponent(target).path) else {
                    broken.append("\(page): \(link): no file \(target)")
                    continue
                }
                if parts.count == 2, target.hasSuffix(".md"), !MarkdownText.anchors(try RepositoryFile.text(target)).contains(parts[1]) {
                    broken.append("\(page): \(link): no heading for #\(parts[1]) in \(target)")
                }
            }
        }
        #expect(broken.isEmpty, "\(broken.joined(separator: "\n"))")
    }

    /// Code, chart and examples point people at docs pages by path: those pages must exist.
    @Test func docsPagesNamedInSourcesChartAndExamplesExist() throws {
        var named = Set<String>()
        for directory in ["Sources", "deploy", "examples", "Tests/AgentTests", ".ci"] {
            let root = RepositoryFile.root.appendingPathComponent(directory)
            let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
            for file in files where ["swift", "yaml", "tpl", "txt", "json", ""].contains(file.pathExtension) {
                guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
                named.formUnion(text.matches(of: /docs\/[a-z0-9-]+\.md/).map { String($0.output) })
            }
        }
        #expect(named.contains("docs/traffic-mix.md"), "the search must find the pages the code names")
        for page in named.sorted() {
            #expect(FileManager.default.fileExists(atPath: RepositoryFile.root.appendingPathComponent(page).path), "\(page) is named but does not exist")
        }
    }

    @Test func anchorsAreMadeAsGitHubMakesThem() {
        let anchors = MarkdownText.anchors("# Local mode: `flowtest-agent run FILE`\n```\n# not a heading\n```\n## Tests\n## Tests\n")
        #expect(anchors == ["local-mode-flowtest-agent-run-file", "tests", "tests-1"])
    }
}
