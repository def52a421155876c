import FlowTestShared
import ServiceLifecycle

/// Samples a generator into its time series at every step boundary of the wall clock (the grid
/// all agents share), and once more when the group shuts down, so the last partial step is in.
///
/// Listed after the reporter and before the generator: the group shuts services down in
/// reverse order, so the final sample is taken after the generator stopped and before the final
/// report is made.
struct TimeSeriesSamplingService: Service {
    let recorder: TimeSeriesRecorder
    let snapshot: @Sendable () -> GeneratorSnapshot

    func run() async throws {
        recorder.start(at: TimeSeriesRecorder.now())
        while !Task.isShuttingDownGracefully {
            let step = recorder.stepMilliseconds
            let now = TimeSeriesRecorder.now()
            let boundary = (now / step + 1) * step
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(boundary - now)) }
            } catch { break }
            if Task.isShuttingDownGracefully { break }
            // Labelled with the boundary it waited for, not the time it woke: a wake-up late on a
            // busy machine moves a few milliseconds of figures, never a whole step's.
            recorder.sample(snapshot(), at: boundary)
        }
        recorder.sample(snapshot(), at: TimeSeriesRecorder.now())
    }
}
