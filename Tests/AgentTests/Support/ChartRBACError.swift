import FakeKubernetes
import FlowTestShared
import Foundation

enum ChartRBACError: Error {
    case missingDefine(String)
}
