/// The name and value rules of k8s.io/apimachinery/pkg/util/validation, with their messages:
/// each returns what is wrong (empty when the value is valid).
///
/// Which rule applies where is the API server's: object names are DNS-1123 subdomains, Service
/// names DNS-1035 labels, container and Service port names DNS-1123 labels or IANA port names,
/// Role names path segments; label keys are qualified names and label values have their own rule.
enum FakeNameRules {
    private static let dns1123Label = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
    private static let dns1123Subdomain = dns1123Label + "(\\." + dns1123Label + ")*"
    private static let dns1035Label = "[a-z]([-a-z0-9]*[a-z0-9])?"
    private static let qualifiedName = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
    private static let labelValue = "(" + qualifiedName + ")?"

    private static func matches(_ value: String, _ pattern: String) -> Bool {
        value.wholeMatch(of: try! Regex(pattern)) != nil
    }

    /// `RegexError`: the rule, examples, and the expression (note Go's `',  or '` spacing).
    private static func regexError(_ message: String, _ pattern: String, _ examples: String...) -> String {
        guard !examples.isEmpty else { return message + " (regex used for validation is '" + pattern + "')" }
        return message + " (e.g. " + examples.map { "'\($0)', " }.joined(separator: " or ") + "regex used for validation is '" + pattern + "')"
    }

    private static func maxLength(_ value: String, _ limit: Int) -> [String] {
        value.utf8.count > limit ? ["must be no more than \(limit) characters"] : []
    }

    static func isDNS1123Label(_ value: String) -> [String] {
        var errors = maxLength(value, 63)
        if !matches(value, dns1123Label) {
            errors.append(
                matches(value, dns1123Subdomain)
                    ? "must not contain dots"
                    : regexError(
                        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                        dns1123Label, "my-name", "123-abc"))
        }
        return errors
    }

    static func isDNS1123Subdomain(_ value: String) -> [String] {
        var errors = maxLength(value, 253)
        if !matches(value, dns1123Subdomain) {
            errors.append(regexError(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
                dns1123Subdomain, "example.com"))
        }
        return errors
    }

    static func isDNS1035Label(_ value: String) -> [String] {
        var errors = maxLength(value, 63)
        if !matches(value, dns1035Label) {
            errors.append(regexError(
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
                dns1035Label, "my-name", "abc-123"))
        }
        return errors
    }

    /// Label keys, annotation keys (lowercased first), finalizers, `reportingController`.
    static func isQualifiedName(_ value: String) -> [String] {
        let message = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
        let parts = value.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var errors: [String] = []
        let name: String
        switch parts.count {
        case 1: name = parts[0]
        case 2:
            name = parts[1]
            if parts[0].isEmpty {
                errors.append("prefix part must be non-empty")
            } else {
                errors += isDNS1123Subdomain(parts[0]).map { "prefix part " + $0 }
            }
        default:
            return ["a qualified name " + regexError(message, qualifiedName, "MyName", "my.name", "123-abc")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
        }
        if name.isEmpty {
            errors.append("name part must be non-empty")
        } else if name.utf8.count > 63 {
            errors.append("name part must be no more than 63 characters")
        }
        if !matches(name, qualifiedName) { errors.append("name part " + regexError(message, qualifiedName, "MyName", "my.name", "123-abc")) }
        return errors
    }

    static func isValidLabelValue(_ value: String) -> [String] {
        var errors = maxLength(value, 63)
        if !matches(value, labelValue) {
            errors.append(regexError(
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                labelValue, "MyValue", "my_value", "12345"))
        }
        return errors
    }

    /// Container port names and named target ports (IANA service names).
    static func isValidPortName(_ value: String) -> [String] {
        var errors = maxLength(value, 15)
        if !matches(value, "[-a-z0-9]+") { errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)") }
        if value.wholeMatch(of: /.*[a-z].*/) == nil { errors.append("must contain at least one letter (a-z)") }
        if value.contains("--") { errors.append("must not contain consecutive hyphens") }
        if value.hasPrefix("-") || value.hasSuffix("-") { errors.append("must not begin or end with a hyphen") }
        return errors
    }

    static func isValidPortNumber(_ value: Int64) -> [String] {
        (1...65535).contains(value) ? [] : ["must be between 1 and 65535, inclusive"]
    }

    /// RBAC names (`path.IsValidPathSegmentName`): anything that fits in one URL path segment.
    static func isValidPathSegmentName(_ value: String) -> [String] {
        if value == "." || value == ".." { return ["may not be '\(value)'"] }
        return ["/", "%"].filter { value.contains($0) }.map { "may not contain '\($0)'" }
    }

    /// A name the server generates from `generateName` may end in a dash: `maskTrailingDash`.
    static func maskingTrailingDash(_ value: String) -> String {
        guard value.utf8.count > 1, value.hasSuffix("-") else { return value }
        return String(value.dropLast(2)) + "a"
    }
}
