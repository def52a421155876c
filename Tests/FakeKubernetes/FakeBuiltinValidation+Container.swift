import FlowTestShared

extension FakeBuiltinValidation {
    /// `validateContainers` / `validateContainerCommon`: name, image, ports, env names, mounts,
    /// pull policy, resources, probes; names unique in the list.
    static func containers(_ containers: [JSONValue], volumes: Set<String>, path: String, required: Bool) -> [FakeFieldError] {
        if containers.isEmpty { return required ? [.required(path)] : [] }
        var errors: [FakeFieldError] = []
        var names = Set<String>()
        for (index, container) in containers.enumerated() {
            let path = "\(path)[\(index)]"
            let name = container["name"]?.string ?? ""
            if name.isEmpty {
                errors.append(.required("\(path).name"))
            } else {
                errors += FakeNameRules.isDNS1123Label(name).map { .invalid("\(path).name", .string(name), $0) }
            }
            if (container["image"]?.string ?? "").isEmpty { errors.append(.required("\(path).image")) }
            errors += choice(container["terminationMessagePolicy"], "\(path).terminationMessagePolicy", ["File", "FallbackToLogsOnError"])
            errors += ports(container["ports"]?.array ?? [], path: "\(path).ports")
            errors += env(container["env"]?.array ?? [], path: "\(path).env")
            errors += mounts(container["volumeMounts"]?.array ?? [], volumes: volumes, path: "\(path).volumeMounts")
            errors += choice(container["imagePullPolicy"], "\(path).imagePullPolicy", ["Always", "IfNotPresent", "Never"])
            errors += resources(container["resources"] ?? .object([:]), path: "\(path).resources")
            if names.contains(name) { errors.append(.duplicate("\(path).name", .string(name))) }
            names.insert(name)
            for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
                guard let value = container[probe], value != .null else { continue }
                errors += self.probe(value, path: "\(path).\(probe)", successMustBeOne: probe != "readinessProbe")
            }
        }
        return errors
    }

    /// `validateContainerPorts`: IANA names, unique; port numbers 1-65535; TCP, UDP or SCTP.
    private static func ports(_ ports: [JSONValue], path: String) -> [FakeFieldError] {
        var errors: [FakeFieldError] = []
        var names = Set<String>()
        for (index, port) in ports.enumerated() {
            let path = "\(path)[\(index)]"
            if let name = port["name"]?.string, !name.isEmpty {
                let problems = FakeNameRules.isValidPortName(name)
                if !problems.isEmpty {
                    errors += problems.map { .invalid("\(path).name", .string(name), $0) }
                } else if !names.insert(name).inserted {
                    errors.append(.duplicate("\(path).name", .string(name)))
                }
            }
            let number = Int64(port["containerPort"]?.number ?? 0)
            if number == 0 {
                errors.append(.required("\(path).containerPort"))
            } else {
                errors += FakeNameRules.isValidPortNumber(number).map { .invalid("\(path).containerPort", .integer(number), $0) }
            }
            if let host = port["hostPort"]?.number, host != 0 {
                errors += FakeNameRules.isValidPortNumber(Int64(host)).map { .invalid("\(path).hostPort", .integer(Int64(host)), $0) }
            }
            errors += protocolErrors(port["protocol"], path: "\(path).protocol")
        }
        return errors
    }

    static func protocolErrors(_ value: JSONValue?, path: String) -> [FakeFieldError] {
        choice(value, path, ["SCTP", "TCP", "UDP"])
    }

    /// `validateVolumeMounts`: a mount names a valid volume, has a unique path, a relative subPath.
    private static func mounts(_ mounts: [JSONValue], volumes: Set<String>, path: String) -> [FakeFieldError] {
        var errors: [FakeFieldError] = []
        var mountPaths = Set<String>()
        for (index, mount) in mounts.enumerated() {
            let itemPath = "\(path)[\(index)]"
            let name = mount["name"]?.string ?? ""
            if name.isEmpty { errors.append(.required("\(itemPath).name")) }
            if !volumes.contains(name) { errors.append(.notFound("\(itemPath).name", .string(name))) }
            let mountPath = mount["mountPath"]?.string ?? ""
            if mountPath.isEmpty { errors.append(.required("\(itemPath).mountPath")) }
            if !mountPaths.insert(mountPath).inserted { errors.append(.invalid("\(itemPath).mountPath", .string(mountPath), "must be unique")) }
            // The server reports a bad subPath on the list, not the item.
            if let subPath = mount["subPath"]?.string, !subPath.isEmpty { errors += localPath(subPath, path: "\(path).subPath", reserved: false) }
        }
        return errors
    }

    /// `ValidateResourceRequirements`: standard names, no negative amount, requests within limits.
    private static func resources(_ resources: JSONValue, path: String) -> [FakeFieldError] {
        var errors: [FakeFieldError] = []
        let limits = resources["limits"]?.fakeMembers ?? [:]
        let requests = resources["requests"]?.fakeMembers ?? [:]
        let amount = { (value: JSONValue) -> (text: String, quantity: FakeQuantity?) in
            let text = value.string ?? FakeFieldError.render(value)
            if case .success(let quantity) = FakeQuantity.parse(text) { return (text, quantity) }
            return (text, nil)
        }
        for (list, entries) in [("limits", limits), ("requests", requests)] {
            for (name, value) in entries.sorted(by: { $0.key < $1.key }) {
                let entryPath = "\(path).\(list)[\(name)]"
                if !name.contains("/"), !["cpu", "memory", "ephemeral-storage"].contains(name), !name.hasPrefix("hugepages-") {
                    errors.append(.invalid(entryPath, .string(name), "must be a standard resource for containers"))
                }
                let (text, quantity) = amount(value)
                if let quantity, quantity.value < 0 { errors.append(.invalid(entryPath, .string(text), "must be greater than or equal to 0")) }
                if list == "requests", let limit = limits[name], let request = quantity, let maximum = amount(limit).quantity, request > maximum {
                    errors.append(.invalid("\(path).requests", .string(text), "must be less than or equal to \(name) limit of \(amount(limit).text)"))
                }
            }
        }
        return errors
    }

    /// `validateProbe`: exactly one handler, valid ports, no negative numbers; a liveness or
    /// startup probe must have successThreshold 1.
    private static func probe(_ probe: JSONValue, path: String, successMustBeOne: Bool) -> [FakeFieldError] {
        var errors: [FakeFieldError] = []
        let handlers = ["exec", "httpGet", "tcpSocket", "grpc"].filter { probe[$0] != nil && probe[$0] != .null }
        if handlers.isEmpty { errors.append(.required(path, "must specify a handler type")) }
        for extra in handlers.dropFirst() { errors.append(.forbidden("\(path).\(extra)", "may not specify more than 1 handler type")) }
        switch handlers.first {
        case "exec":
            if probe["exec"]?["command"]?.array?.isEmpty ?? true { errors.append(.required("\(path).exec.command")) }
        case "httpGet":
            let get = probe["httpGet"] ?? .object([:])
            if (get["path"]?.string ?? "").isEmpty { errors.append(.required("\(path).httpGet.path")) }
            errors += portNumberOrName(get["port"], path: "\(path).httpGet.port")
            let scheme = get["scheme"]?.string ?? ""
            if !["HTTP", "HTTPS"].contains(scheme) { errors.append(.notSupported("\(path).httpGet.scheme", .string(scheme), ["HTTP", "HTTPS"])) }
        case "tcpSocket":
            errors += portNumberOrName(probe["tcpSocket"]?["port"], path: "\(path).tcpSocket.port")
        case "grpc":
            let port = Int64(probe["grpc"]?["port"]?.number ?? 0)
            errors += FakeNameRules.isValidPortNumber(port).map { .invalid("\(path).grpc.port", .integer(port), $0) }
        default: break
        }
        for field in ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"] {
            if let value = probe[field]?.number, value < 0 {
                errors.append(.invalid("\(path).\(field)", .integer(Int64(value)), "must be greater than or equal to 0"))
            }
        }
        if successMustBeOne, let threshold = probe["successThreshold"]?.number, threshold != 1 {
            errors.append(.invalid("\(path).successThreshold", .integer(Int64(threshold)), "must be 1"))
        }
        return errors
    }

    /// `ValidatePortNumOrName`: a number 1-65535 or an IANA port name.
    static func portNumberOrName(_ port: JSONValue?, path: String) -> [FakeFieldError] {
        if let name = port?.string { return FakeNameRules.isValidPortName(name).map { .invalid(path, .string(name), $0) } }
        let number = Int64(port?.number ?? 0)
        return FakeNameRules.isValidPortNumber(number).map { .invalid(path, .integer(number), $0) }
    }
}
