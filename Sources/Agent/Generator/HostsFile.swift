import Foundation

/// A file in `/etc/hosts` format (`address name [alias...]`, `#` comments) that answers for the
/// names it lists, every address of a name in file order: `--hosts-file`.
///
/// Where no cluster DNS runs (the test suite, a laptop) it plays the DNS of a headless Service:
/// whoever knows the echo pods writes their addresses under the Service's name, and the
/// generator reads the file again at every lookup, as it asks DNS again. Names it does not list
/// go to the system resolver, as in a cluster every name does.
struct HostsFile: Sendable {
    let path: String

    /// Every address listed for `name` (case-insensitive, as DNS names are); empty when the
    /// file lists none. Throws when the file cannot be read.
    func addresses(for name: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return Self.addresses(for: name, in: text)
    }

    /// The addresses `text` lists for `name`.
    static func addresses(for name: String, in text: String) -> [String] {
        let wanted = Self.canonical(name)
        var found: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.prefix { $0 != "#" }.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard fields.count >= 2, fields.dropFirst().contains(where: { Self.canonical($0) == wanted }) else { continue }
            if !found.contains(fields[0]) { found.append(fields[0]) }
        }
        return found
    }

    /// Lower case, without the trailing dot of a fully qualified name.
    private static func canonical(_ name: String) -> String {
        (name.hasSuffix(".") ? String(name.dropLast()) : name).lowercased()
    }
}
