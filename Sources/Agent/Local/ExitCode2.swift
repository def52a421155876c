/// Thrown after printing an invalid file's problems: the command exits with code 2.
struct ExitCode2: Error {}
