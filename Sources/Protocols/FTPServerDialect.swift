/// The echo's FTP control connection: greets, logs anyone in, answers CWD (its 250 padded to
/// the path's `flowtest-r<size>` tag), PWD, TYPE, EPSV and PASV (announcing port 20), SYST,
/// FEAT, NOOP, and QUIT with 221 (then closes). It moves no files: LIST, RETR and STOR get 425.
///
/// Commands before login get 530; a command it does not know gets `500` and the connection is
/// closed, counted malformed.
struct FTPServerDialect: ServerDialect {
    static let largestResponse = 65_536
    static let openingVerbs: Set<String> = ["USER", "PASS"]
    /// Commands a client must log in for.
    static let afterLogin: Set<String> = ["CWD", "PWD", "TYPE", "EPSV", "PASV", "SYST", "FEAT", "NOOP", "LIST", "NLST", "RETR", "STOR", "SIZE", "MODE", "STRU"]
    private var lines = CommandLineReader(.ftp)
    private var user = false
    private var loggedIn = false
    private(set) var flowID: UInt64?

    init(greeting out: inout [UInt8]) {
        out.append(ascii: "220 FlowTest FTP echo ready\r\n")
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) -> ResponderOutcome {
        var outcome = ResponderOutcome()
        var index = 0
        do throws(ProtocolError) {
            while let line = try lines.next(bytes, from: &index) {
                if try answer(line, into: &out) {
                    outcome.finished = true
                    return outcome
                }
                // The opening's commands are no exchange of the client's: counted as the others' are not.
                if !Self.openingVerbs.contains(line.prefix(4).uppercased()) { outcome.answered += 1 }
            }
        } catch {
            out.append(ascii: "500 \(error.reason)\r\n")
            outcome.malformed = error
        }
        return outcome
    }

    /// Answers one command line; true for QUIT.
    private mutating func answer(_ line: String, into out: inout [UInt8]) throws(ProtocolError) -> Bool {
        let verb = line.prefix(while: { $0 != " " }).uppercased()
        let argument = line.dropFirst(verb.count).drop(while: { $0 == " " })
        switch verb {
        case "USER":
            user = true
            out.append(ascii: "331 Please specify the password.\r\n")
        case "PASS" where !user: out.append(ascii: "503 Login with USER first.\r\n")
        case "PASS":
            loggedIn = true
            flowID = FlowTag.flowID(labelIn: argument)
            out.append(ascii: "230 Login successful.\r\n")
        case "QUIT":
            out.append(ascii: "221 Goodbye.\r\n")
            return true
        case _ where !loggedIn && Self.afterLogin.contains(verb):
            out.append(ascii: "530 Please login with USER and PASS.\r\n")
        case "CWD":
            LineReply.append(code: 250, "Directory successfully changed.", size: LineReply.size(taggedIn: argument, largest: Self.largestResponse) ?? 0, into: &out)
        case "PWD": out.append(ascii: "257 \"/\" is the current directory\r\n")
        case "TYPE", "MODE", "STRU": out.append(ascii: "200 Command okay.\r\n")
        case "EPSV": out.append(ascii: "229 Entering Extended Passive Mode (|||20|)\r\n")
        case "PASV": out.append(ascii: "227 Entering Passive Mode (127,0,0,1,0,20).\r\n")
        case "SYST": out.append(ascii: "215 UNIX Type: L8\r\n")
        case "FEAT": out.append(ascii: "211-Features:\r\n EPSV\r\n PASV\r\n211 End\r\n")
        case "NOOP": out.append(ascii: "200 NOOP ok.\r\n")
        case "LIST", "NLST", "RETR", "STOR", "SIZE": out.append(ascii: "425 The FlowTest echo moves no files.\r\n")
        default: throw ProtocolError(.ftp, "command \"\(verb.prefix(20))\" not recognized")
        }
        return false
    }
}
