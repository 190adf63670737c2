package joule.ebm.cli;

import joule.tensor.Backends;
import joule.tensor.Device;
import picocli.CommandLine.Option;

/** The {@code --device} option of {@code train}, {@code sample}, {@code eval} and {@code bench}. */
final class DeviceArgs {
    @Option(names = "--device", paramLabel = "NAME", defaultValue = "cpu",
            description = "cpu or cuda (cuda needs joule-cuda-kernels on the class path and an NVIDIA GPU).")
    Device device;

    /** The device, once its backend has started; otherwise a {@link CliException} saying why it can't be used. */
    Device checked() {
        try {
            Backends.of(device);
        } catch (IllegalStateException e) {
            throw new CliException("--device " + device + " is not available: " + e.getMessage());
        }
        return device;
    }
}
