package joule.ebm.device;

import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.Storage;
import joule.tensor.cpu.CpuStorage;

/**
 * Host memory that says it lives on {@link Device#CUDA}: the storage of {@link EmulatedCudaBackend}'s tensors. Like
 * real device memory it is left alone by CPU {@link joule.tensor.Workspace}s (its host buffer is kept).
 */
final class EmulatedCudaStorage implements Storage {
    private final CpuStorage host;

    EmulatedCudaStorage(CpuStorage host) {
        this.host = host;
        host.keep();
    }

    /** The host buffer behind this storage. */
    CpuStorage host() {
        return host;
    }

    @Override
    public Device device() {
        return Device.CUDA;
    }

    @Override
    public DType dtype() {
        return host.dtype();
    }

    @Override
    public int size() {
        return host.size();
    }
}
