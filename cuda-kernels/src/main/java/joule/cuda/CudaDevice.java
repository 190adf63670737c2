package joule.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

/**
 * The GPU as the backend drives it, through JCuda's driver API only: device 0's primary context, one stream that
 * all work is queued on, and the kernel module (the committed joule.fatbin). Every call's result is checked and a
 * failure becomes an {@link IllegalStateException} naming the operation and CUDA's error.
 *
 * <p>A driver context is current per thread, so every method first makes it current on the calling thread. Host-to-device copies are queued on the stream (the driver stages pageable memory before it
 * returns); device-to-host copies and {@link #synchronize} wait.
 */
final class CudaDevice implements Gpu {
    private static final String FATBIN = "/joule/cuda/joule.fatbin";
    private static final String DRIVER_LIBRARY = "libcuda.so.1";

    private final CUcontext context;
    private final CUstream stream;
    private final Map<Kernel, CUfunction> functions;
    private final String name;
    private final int multiprocessors;
    private final Map<Long, CUdeviceptr> allocations = new HashMap<>();

    private CudaDevice(CUcontext context, CUstream stream, Map<Kernel, CUfunction> functions, String name,
                       int multiprocessors) {
        this.context = context;
        this.stream = stream;
        this.functions = functions;
        this.name = name;
        this.multiprocessors = multiprocessors;
    }

    /**
     * Opens device 0.
     *
     * @throws IllegalStateException saying why there is no usable GPU: no driver (libcuda.so.1 cannot be loaded),
     *                               a driver but no device, a device older than compute capability 9.0
     */
    static CudaDevice open() {
        requireDriverLibrary();
        requireJCuda();
        int init = cuInit(0);
        if (init == CUresult.CUDA_ERROR_NO_DEVICE) {
            throw noDevice();
        }
        check(init, "cuInit");
        int[] count = {0};
        check(cuDeviceGetCount(count), "cuDeviceGetCount");
        if (count[0] == 0) {
            throw noDevice();
        }
        CUdevice device = new CUdevice();
        check(cuDeviceGet(device, 0), "cuDeviceGet");
        String name = deviceName(device);
        int major = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        int minor = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        if (major < 9) {
            throw new IllegalStateException("cuda: " + name + " has compute capability " + major + "." + minor
                    + "; the kernels are built for 9.0 (Hopper) and later");
        }
        CUcontext context = new CUcontext();
        check(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
        CUstream stream = new CUstream();
        check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        CUmodule module = new CUmodule();
        int loaded = cuModuleLoadData(module, fatbin());
        if (loaded != CUresult.CUDA_SUCCESS) {
            int[] version = new int[1];
            cuDriverGetVersion(version);
            throw new IllegalStateException("cuda: cuModuleLoadData(" + FATBIN + ") failed: " + CUresult.stringFor(loaded)
                    + " (the kernels are built with CUDA 13 for sm_90 and need a CUDA 13 driver, 580 or later; this driver"
                    + " supports CUDA " + version[0] / 1000 + "." + version[0] % 1000 / 10 + ")");
        }
        Map<Kernel, CUfunction> functions = new EnumMap<>(Kernel.class);
        for (Kernel k : Kernel.values()) {
            CUfunction f = new CUfunction();
            check(cuModuleGetFunction(f, module, k.entry()), "cuModuleGetFunction(" + k.entry() + ")");
            functions.put(k, f);
        }
        int multiprocessors = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        return new CudaDevice(context, stream, functions, name, multiprocessors);
    }

    private static IllegalStateException noDevice() {
        return new IllegalStateException("cuda: the NVIDIA driver (" + DRIVER_LIBRARY
                + ") is installed, but it finds no CUDA device");
    }

    @SuppressWarnings("restricted") // opens the driver library only to tell a missing driver apart; calls nothing
    private static void requireDriverLibrary() {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup(DRIVER_LIBRARY, arena);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cuda: no NVIDIA driver on this machine: " + DRIVER_LIBRARY
                    + " cannot be loaded (" + e.getMessage() + ")", e);
        }
    }

    private static void requireJCuda() {
        try {
            JCudaDriver.setExceptionsEnabled(false);
        } catch (LinkageError | CudaException e) {
            throw new IllegalStateException("cuda: JCuda's native driver library cannot be loaded: " + e, e);
        }
    }

    private static byte[] fatbin() {
        try (InputStream in = CudaDevice.class.getResourceAsStream(FATBIN)) {
            if (in == null) {
                throw new IllegalStateException("cuda: the kernel module " + FATBIN + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cuda: reading " + FATBIN, e);
        }
    }

    private static String deviceName(CUdevice device) {
        byte[] text = new byte[256];
        check(cuDeviceGetName(text, text.length, device), "cuDeviceGetName");
        int end = 0;
        while (end < text.length && text[end] != 0) {
            end++;
        }
        return new String(text, 0, end, StandardCharsets.UTF_8);
    }

    private static int attribute(CUdevice device, int attribute) {
        int[] value = {0};
        check(cuDeviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
        return value[0];
    }

    /** Turns a failed driver call into an exception naming {@code what} and CUDA's error. */
    static void check(int result, String what) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new IllegalStateException("cuda: " + what + " failed: " + CUresult.stringFor(result));
        }
    }

    /**
     * Makes the context current on the calling thread. Every time: the driver binds contexts to OS threads, and a
     * Java thread's OS thread or current context can change under a thread-local flag (virtual threads, other
     * CUDA code); the call is cheap next to a launch.
     */
    private void bind() {
        check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int multiprocessors() {
        return multiprocessors;
    }

    @Override
    public void launch(Kernel kernel, String op, int gridX, int gridY, int threads, KernelArgs args) {
        bind();
        check(cuLaunchKernel(functions.get(kernel), gridX, gridY, 1, threads, 1, 1, 0, stream, args.pointer(), null),
                op + ": launching " + kernel.entry() + " on a " + gridX + "×" + gridY + " grid");
        args.launched();
    }

    @Override
    public void copyToDevice(long dst, Object hostArray, String op) {
        bind();
        long bytes = bytes(hostArray);
        check(cuMemcpyHtoDAsync(at(dst), host(hostArray), bytes, stream), op + ": copying " + bytes + " bytes to the GPU");
    }

    @Override
    public void copyToHost(Object hostArray, long src, String op) {
        bind();
        long bytes = bytes(hostArray);
        check(cuMemcpyDtoH(host(hostArray), at(src), bytes), op + ": copying " + bytes + " bytes from the GPU");
    }

    @Override
    public void fill32(long dst, int word, long count, String op) {
        bind();
        check(cuMemsetD32Async(at(dst), word, count, stream), op + ": cuMemsetD32Async");
    }

    @Override
    public void synchronize(String op) {
        bind();
        check(cuStreamSynchronize(stream), op + ": waiting for the GPU");
    }

    @Override
    public synchronized long allocate(long bytes) {
        bind();
        DeviceAddress p = new DeviceAddress();
        int result = cuMemAlloc(p, bytes);
        if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            return 0;
        }
        check(result, "cuMemAlloc(" + bytes + " bytes)");
        allocations.put(p.value(), p);
        return p.value();
    }

    @Override
    public synchronized void free(long address) {
        synchronize("cuMemFree");
        check(cuMemFree(allocations.remove(address)), "cuMemFree");
    }

    private static Pointer host(Object array) {
        return switch (array) {
            case float[] a -> Pointer.to(a);
            case double[] a -> Pointer.to(a);
            case byte[] a -> Pointer.to(a);
            default -> throw new IllegalArgumentException("cuda: host arrays are float[], double[] or byte[], not " + array);
        };
    }

    private static long bytes(Object array) {
        return switch (array) {
            case float[] a -> (long) a.length * Float.BYTES;
            case double[] a -> (long) a.length * Double.BYTES;
            case byte[] a -> a.length;
            default -> throw new IllegalArgumentException("cuda: host arrays are float[], double[] or byte[], not " + array);
        };
    }

    private static CUdeviceptr at(long address) {
        return new CUdeviceptr().withByteOffset(address);
    }

    /** A device pointer whose address can be read as a number (JCuda keeps it in a protected field). */
    private static final class DeviceAddress extends CUdeviceptr {
        long value() {
            return getNativePointer() + getByteOffset();
        }
    }
}
