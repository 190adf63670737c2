package joule.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Host buffers reused from one step of a loop to the next, so that a steady-state training or sampler step
 * allocates (almost) no fresh tensor storage, whatever the JVM's heap flags (as ND4J's workspaces and
 * PyTorch's caching allocator do).
 *
 * <pre>{@code
 * Workspace ws = new Workspace("train step");
 * for (int step = 0; step < steps; step++) {
 *     try (Workspace.Scope scope = ws.open()) {
 *         double loss = step(batch);           // every CPU tensor made here draws its buffer from ws
 *     }                                        // …and gives it back here
 * }
 * }</pre>
 *
 * <p>While a scope is open on a thread, every CPU tensor created on that thread takes a zeroed buffer of its
 * size from this workspace's free buffers (a fresh one if there is none) and belongs to the scope. Closing
 * the scope takes the buffers of all of its tensors back, except those {@link #keep kept}: tensors that must
 * outlive the step (new parameter values, optimizer state) are kept by the code that makes them. A tensor
 * whose buffer was taken back is dead: reading or writing it fails with an {@link IllegalStateException}
 * naming the op that made it, never with another tensor's numbers. Results are the same bits with or
 * without a workspace: buffers are zeroed as fresh ones are. Tensors made by other threads (a kernel's pool
 * workers), on other devices, or from user arrays are not affected.
 *
 * <p>A workspace belongs to one thread at a time; scopes don't nest.
 */
public final class Workspace {
    private static final ThreadLocal<Scope> ACTIVE = new ThreadLocal<>();

    private final String name;
    private final Map<Long, ArrayDeque<Object>> free = new HashMap<>();
    private long freshBytes;
    private long reusedBytes;

    /** A workspace named {@code name} (for messages), with no buffers yet. */
    public Workspace(String name) {
        if (name == null) {
            throw new IllegalArgumentException("Workspace: name is null");
        }
        this.name = name;
    }

    /**
     * Opens a scope on the calling thread.
     *
     * @throws IllegalStateException if a scope (of any workspace) is already open on this thread
     */
    public Scope open() {
        Scope current = ACTIVE.get();
        if (current != null) {
            throw new IllegalStateException("Workspace " + name + ": a scope of workspace " + current.owner().name
                    + " is already open on this thread; scopes don't nest");
        }
        Scope scope = new Scope();
        ACTIVE.set(scope);
        return scope;
    }

    /**
     * Keeps {@code t}'s buffer out of the scope it was made in, so it survives the scope's end (and is left
     * to the garbage collector); nothing happens for a tensor made outside any scope. Returns {@code t}.
     */
    public static Tensor keep(Tensor t) {
        t.storage().keep();
        return t;
    }

    /** Runs {@code body} with this thread's open scope (if any) suspended: what it makes is ordinary storage. */
    public static <T> T outside(Supplier<T> body) {
        Scope suspended = ACTIVE.get();
        ACTIVE.remove();
        try {
            return body.get();
        } finally {
            if (suspended != null) {
                ACTIVE.set(suspended);
            }
        }
    }

    /** The scope open on the calling thread, or null: for backends, which allocate from it. */
    public static Scope active() {
        return ACTIVE.get();
    }

    /** Bytes of buffers allocated fresh by this workspace's scopes so far. */
    public long freshBytes() {
        return freshBytes;
    }

    /** Bytes of buffers handed out again from earlier scopes so far. */
    public long reusedBytes() {
        return reusedBytes;
    }

    /** The name given at construction. */
    public String name() {
        return name;
    }

    private static long key(DType dtype, int n) {
        return (long) n << 1 | (dtype == DType.FLOAT64 ? 1 : 0);
    }

    /** Storage that a scope can take the buffer back from. Implemented by backends. */
    public interface Member {
        /**
         * Gives up the buffer (this storage is dead from now on, {@code why} saying which scope ended); returns
         * it, or null if the storage was kept.
         */
        Object release(String why);
    }

    /** One step's worth of tensors: see {@link Workspace}. */
    public final class Scope implements AutoCloseable {
        private final List<Member> members = new ArrayList<>();
        private boolean closed;

        private Scope() {
        }

        /** The workspace this scope draws from. */
        public Workspace owner() {
            return Workspace.this;
        }

        /**
         * A zeroed buffer of {@code n} elements of {@code dtype} ({@code float[]} or {@code double[]}) for a new
         * storage, reused if this workspace has one free, else fresh; the backend then {@link #register}s the
         * storage made on it.
         */
        public Object buffer(DType dtype, int n) {
            ArrayDeque<Object> q = free.get(key(dtype, n));
            long bytes = (long) n * (dtype == DType.FLOAT64 ? 8 : 4);
            if (q != null && !q.isEmpty()) {
                Object array = q.pop();
                if (array instanceof float[] f) {
                    java.util.Arrays.fill(f, 0f);
                } else {
                    java.util.Arrays.fill((double[]) array, 0.0);
                }
                reusedBytes += bytes;
                return array;
            }
            freshBytes += bytes;
            return dtype == DType.FLOAT64 ? new double[n] : new float[n];
        }

        /** Makes {@code storage} a member: its buffer comes back when this scope closes, unless it is kept. */
        public void register(Member storage) {
            members.add(storage);
        }

        /** Takes the buffers of all members not kept back into the workspace; they are dead from now on. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (ACTIVE.get() == this) {
                ACTIVE.remove();
            }
            String why = "the scope of workspace " + name + " it was made in has closed";
            for (Member m : members) {
                Object array = m.release(why);
                if (array != null) {
                    int n = array instanceof float[] f ? f.length : ((double[]) array).length;
                    free.computeIfAbsent(key(array instanceof float[] ? DType.FLOAT32 : DType.FLOAT64, n),
                            k -> new ArrayDeque<>()).push(array);
                }
            }
            members.clear();
        }
    }
}
