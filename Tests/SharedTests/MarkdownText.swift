import Foundation

/// Just enough Markdown reading to check links: link targets and heading anchors, outside code.
enum MarkdownText {
    /// The lines outside fenced code blocks, with inline code spans blanked out.
    static func prose(_ text: String) -> [String] {
        var inFence = false
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inFence.toggle()
                continue
            }
            if !inFence { lines.append(String(line)) }
        }
        return lines
    }

    /// Targets of inline links, `[text](target)`.
    static func links(_ text: String) -> [String] {
        prose(text).flatMap { line in
            line.replacing(/`[^`]*`/, with: "").matches(of: /\]\(([^)\s]+)\)/).map { String($0.output.1) }
        }
    }

    /// The anchors GitHub gives the headings: lower case, punctuation dropped, spaces as hyphens,
    /// a repeated heading numbered.
    static func anchors(_ text: String) -> [String] {
        var seen: [String: Int] = [:]
        return prose(text).compactMap { line -> String? in
            guard let heading = line.firstMatch(of: /^#{1,6} (.*)$/) else { return nil }
            let slug = String(
                heading.output.1.lowercased().unicodeScalars.compactMap { scalar -> Character? in
                    if scalar == " " { return "-" }
                    let kept = CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_"
                    return kept ? Character(scalar) : nil
                })
            let count = seen[slug, default: 0]
            seen[slug] = count + 1
            return count == 0 ? slug : "\(slug)-\(count)"
        }
    }

    /// `docs/../README.md` as `README.md`.
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == ".." { _ = parts.popLast() } else if part != "." { parts.append(part) }
        }
        return parts.joined(separator: "/")
    }
}
