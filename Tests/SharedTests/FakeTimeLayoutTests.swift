import Testing
@testable import FakeKubernetes

/// The fake parses times as Go's `time.Parse` does, with Go's error text, because the API
/// server returns that text in its 400. The expected answers are what Go 1.19's `time.Parse`
/// returned for each input (a throwaway program run once, not part of the build), except the
/// three marked "Go 1.20+": since Go 1.20 a bad element is quoted from where it starts, and a
/// zone offset above 24 hours is out of range (src/time/format.go), which is what the API
/// server, built with a current Go, does.
@Suite("Fake API server: times parse as Go parses them")
struct FakeTimeLayoutTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var layout: FakeTimeLayout
        var input: String
        var goError: String?

        init(_ layout: FakeTimeLayout, _ input: String, _ goError: String?) {
            (self.layout, self.input, self.goError) = (layout, input, goError)
        }

        var testDescription: String { "\(layout) \(input)" }
    }

    static let rows: [Row] = [
        Row(.time, "2026-12-01T09:14:05.768Z", nil),
        Row(.time, "2026-12-01T09:14:05.768000Z", nil),
        Row(.time, "2026-12-01T09:14:05Z", nil),
        Row(.time, "2026-12-01T09:14:05.768000000Z", nil),
        Row(.time, "2026-12-01T09:14:05.7680000Z", nil),
        Row(.time, "2026-12-01T09:14:05.768000+01:00", nil),
        Row(.time, "2026-12-01T09:14:05.768+01:00", nil),
        Row(.time, "2026-12-01 09:14:05Z", "parsing time \"2026-12-01 09:14:05Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \" 09:14:05Z\" as \"T\""),
        Row(.time, "2026-13-01T09:14:05Z", "parsing time \"2026-13-01T09:14:05Z\": month out of range"),
        Row(.time, "2026-02-30T09:14:05Z", "parsing time \"2026-02-30T09:14:05Z\": day out of range"),
        Row(.time, "2024-02-29T09:14:05Z", nil),
        Row(.time, "2026-12-01T24:00:00Z", "parsing time \"2026-12-01T24:00:00Z\": hour out of range"),
        Row(.time, "2026-12-01T9:14:05Z", nil),
        Row(.time, "2026-12-01T09:14:60Z", "parsing time \"2026-12-01T09:14:60Z\": second out of range"),
        Row(.time, "2026-12-01T09:14:05", "parsing time \"2026-12-01T09:14:05\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"Z07:00\""),
        Row(.time, "2026-12-01T09:14:05+0100", "parsing time \"2026-12-01T09:14:05+0100\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"+0100\" as \"Z07:00\""),
        Row(.time, "2026-12-01T09:14:05+25:00", "parsing time \"2026-12-01T09:14:05+25:00\": time zone offset hour out of range"),  // Go 1.20+
        Row(.time, "2026-12-01T09:14:05Zjunk", "parsing time \"2026-12-01T09:14:05Zjunk\": extra text: \"junk\""),
        Row(.time, "", "parsing time \"\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"2006\""),
        Row(.time, "yesterday", "parsing time \"yesterday\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"yesterday\" as \"2006\""),
        Row(.time, "2026-12-01", "parsing time \"2026-12-01\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"T\""),
        Row(.time, "2026-12-01T09:14:05,768000Z", nil),
        Row(.time, "2026-12-01T09:14:05.-76800Z", "parsing time \"2026-12-01T09:14:05.-76800Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \".-76800Z\" as \"Z07:00\""),
        Row(.time, "2026-12-01T09:14:05.768000z", "parsing time \"2026-12-01T09:14:05.768000z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"z\" as \"Z07:00\""),
        Row(.time, "2026-1-01T09:14:05Z", "parsing time \"2026-1-01T09:14:05Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"1-01T09:14:05Z\" as \"01\""),
        Row(.time, "2026-12-01T09:14:05.123456789Z", nil),
        Row(.time, "\"quoted\"\\", "parsing time \"\\\"quoted\\\"\\\\\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\\\"quoted\\\"\\\\\" as \"2006\""),
        Row(.time, "2026-12-01T09:14:05.76800aZ", "parsing time \"2026-12-01T09:14:05.76800aZ\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"aZ\" as \"Z07:00\""),
        Row(.microTime, "2026-12-01T09:14:05.768Z", "parsing time \"2026-12-01T09:14:05.768Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \".768Z\" as \".000000\""),
        Row(.microTime, "2026-12-01T09:14:05.768000Z", nil),
        Row(.microTime, "2026-12-01T09:14:05Z", "parsing time \"2026-12-01T09:14:05Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"Z\" as \".000000\""),
        Row(.microTime, "2026-12-01T09:14:05.768000000Z", "parsing time \"2026-12-01T09:14:05.768000000Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"000Z\" as \"Z07:00\""),
        Row(.microTime, "2026-12-01T09:14:05.7680000Z", "parsing time \"2026-12-01T09:14:05.7680000Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"0Z\" as \"Z07:00\""),
        Row(.microTime, "2026-12-01T09:14:05.768000+01:00", nil),
        Row(.microTime, "2026-12-01T09:14:05.768+01:00", "parsing time \"2026-12-01T09:14:05.768+01:00\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \".768+01:00\" as \".000000\""),  // Go 1.20+
        Row(.microTime, "2026-12-01 09:14:05Z", "parsing time \"2026-12-01 09:14:05Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \" 09:14:05Z\" as \"T\""),
        Row(.microTime, "2026-13-01T09:14:05Z", "parsing time \"2026-13-01T09:14:05Z\": month out of range"),
        Row(.microTime, "2026-02-30T09:14:05Z", "parsing time \"2026-02-30T09:14:05Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"Z\" as \".000000\""),
        Row(.microTime, "2024-02-29T09:14:05Z", "parsing time \"2024-02-29T09:14:05Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"Z\" as \".000000\""),
        Row(.microTime, "2026-12-01T24:00:00Z", "parsing time \"2026-12-01T24:00:00Z\": hour out of range"),
        Row(.microTime, "2026-12-01T9:14:05Z", "parsing time \"2026-12-01T9:14:05Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"Z\" as \".000000\""),
        Row(.microTime, "2026-12-01T09:14:60Z", "parsing time \"2026-12-01T09:14:60Z\": second out of range"),
        Row(.microTime, "2026-12-01T09:14:05", "parsing time \"2026-12-01T09:14:05\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"\" as \".000000\""),
        Row(.microTime, "2026-12-01T09:14:05+0100", "parsing time \"2026-12-01T09:14:05+0100\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"+0100\" as \".000000\""),
        Row(.microTime, "2026-12-01T09:14:05+25:00", "parsing time \"2026-12-01T09:14:05+25:00\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"+25:00\" as \".000000\""),
        Row(.microTime, "2026-12-01T09:14:05Zjunk", "parsing time \"2026-12-01T09:14:05Zjunk\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"Zjunk\" as \".000000\""),
        Row(.microTime, "", "parsing time \"\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"\" as \"2006\""),
        Row(.microTime, "yesterday", "parsing time \"yesterday\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"yesterday\" as \"2006\""),
        Row(.microTime, "2026-12-01", "parsing time \"2026-12-01\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"\" as \"T\""),
        Row(.microTime, "2026-12-01T09:14:05,768000Z", nil),
        Row(.microTime, "2026-12-01T09:14:05.-76800Z", "parsing time \"2026-12-01T09:14:05.-76800Z\": fractional second out of range"),
        Row(.microTime, "2026-12-01T09:14:05.768000z", "parsing time \"2026-12-01T09:14:05.768000z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"z\" as \"Z07:00\""),
        Row(.microTime, "2026-1-01T09:14:05Z", "parsing time \"2026-1-01T09:14:05Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"1-01T09:14:05Z\" as \"01\""),
        Row(.microTime, "2026-12-01T09:14:05.123456789Z", "parsing time \"2026-12-01T09:14:05.123456789Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"789Z\" as \"Z07:00\""),
        Row(.microTime, "\"quoted\"\\", "parsing time \"\\\"quoted\\\"\\\\\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"\\\"quoted\\\"\\\\\" as \"2006\""),
        Row(.microTime, "2026-12-01T09:14:05.76800aZ", "parsing time \"2026-12-01T09:14:05.76800aZ\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \".76800aZ\" as \".000000\""),  // Go 1.20+
    ]

    @Test(arguments: rows) func theAnswerIsGos(_ row: Row) {
        #expect(row.layout.parseError(row.input) == row.goError)
    }

    @Test func bothOutcomesOccurForBothLayouts() {
        for layout in [FakeTimeLayout.time, .microTime] {
            let outcomes = Set(Self.rows.filter { $0.layout == layout }.map { $0.goError == nil })
            #expect(outcomes == [true, false])
        }
    }
}
