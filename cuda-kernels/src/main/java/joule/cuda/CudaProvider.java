package joule.cuda;

import joule.tensor.Backend;
import joule.tensor.BackendProvider;
import joule.tensor.Device;

/** Plugs the {@link CudaBackend} in for {@link Device#CUDA} (registered in META-INF/services). */
public final class CudaProvider implements BackendProvider {
    @Override
    public Device device() {
        return Device.CUDA;
    }

    /**
     * Opens the GPU.
     *
     * @throws IllegalStateException saying why it cannot: no driver (libcuda.so.1 cannot be loaded), a driver but no
     *                               device, a device older than the kernels' compute capability 9.0
     */
    @Override
    public Backend create() {
        return CudaBackend.open();
    }
}
