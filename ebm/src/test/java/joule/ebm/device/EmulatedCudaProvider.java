package joule.ebm.device;

import joule.tensor.Backend;
import joule.tensor.BackendProvider;
import joule.tensor.Device;

/**
 * Registers {@link EmulatedCudaBackend} for {@link Device#CUDA} on ebm's test class path (through
 * {@code META-INF/services/joule.tensor.BackendProvider}), so that ebm's tests run on a "CUDA"
 * device without a GPU. ebm does not depend on cuda-kernels, so the real CUDA provider is never
 * on this class path beside it.
 */
public final class EmulatedCudaProvider implements BackendProvider {
    @Override
    public Device device() {
        return Device.CUDA;
    }

    @Override
    public Backend create() {
        return new EmulatedCudaBackend();
    }
}
