package joule.cuda;

/** Raw device memory, as {@link CachingAllocator} uses it: whole allocations, by address. */
interface DeviceMemory {
    /**
     * Allocates {@code bytes} of device memory.
     *
     * @return the device address, or 0 when the device is out of memory
     * @throws IllegalStateException on any other failure
     */
    long allocate(long bytes);

    /** Frees an allocation that {@link #allocate} returned. */
    void free(long address);
}
