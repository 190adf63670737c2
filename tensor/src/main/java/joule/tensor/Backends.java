package joule.tensor;

import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;
import joule.tensor.cpu.CpuBackend;

/**
 * Finds the backend of each device: the CPU backend is built in; others come from
 * {@link BackendProvider}s on the class path (through {@link ServiceLoader}).
 */
public final class Backends {
    private static final Map<Device, Backend> LOADED = new EnumMap<>(Device.class);

    private Backends() {
    }

    /**
     * The backend of {@code device}.
     *
     * @throws IllegalStateException saying why when the device has no usable backend
     */
    public static synchronized Backend of(Device device) {
        if (device == Device.CPU) {
            return CpuBackend.INSTANCE;
        }
        Backend b = LOADED.get(device);
        if (b != null) {
            return b;
        }
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.device() == device) {
                b = p.create();
                LOADED.put(device, b);
                return b;
            }
        }
        throw new IllegalStateException(device + ": no backend for this device on the class path");
    }
}
