import FakeKubernetes
import FlowTestShared
import Foundation
import Logging
import Prometheus
import Synchronization
import Testing
@testable import FlowTestController

#if canImport(Glibc)
import Glibc
#endif

struct HarnessTimeout: Error, CustomStringConvertible {
    var description: String
}
