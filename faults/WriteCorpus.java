import java.lang.reflect.Method;
import java.nio.file.Path;

/**
 * Runs {@code io.hostlet.desired.HostileCorpus.write(Path)} (a test class, maybe package-private) for the fault
 * suite: {@code java -cp target/test-classes:target/classes faults/WriteCorpus.java DIR}.
 */
public class WriteCorpus {
    public static void main(String[] args) throws Exception {
        Class<?> corpus = Class.forName("io.hostlet.desired.HostileCorpus");
        Method write = corpus.getDeclaredMethod("write", Path.class);
        write.setAccessible(true);
        write.invoke(null, Path.of(args[0]));
    }
}
