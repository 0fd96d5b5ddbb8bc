import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import jdk.internal.org.objectweb.asm.ClassReader;
import jdk.internal.org.objectweb.asm.ClassVisitor;
import jdk.internal.org.objectweb.asm.ClassWriter;
import jdk.internal.org.objectweb.asm.Opcodes;

/**
 * Build step of the all-in-one jar (pom.xml, package phase, after the shade plugin):
 *
 * <pre>java --add-exports java.base/jdk.internal.org.objectweb.asm=ALL-UNNAMED tools/UpgradeOldClasses.java JAR</pre>
 *
 * Rewrites every class file older than Java 6 (major version below 50: picocli's, compiled for
 * Java 5) as a Java 6 class file with stack map frames, and JAR in place. JDK 17's class-data
 * sharing leaves classes out of the archive that are older than 50 or that only the old
 * type-inferencing verifier accepts (a version-50 file without frames), so `listen` read, inflated,
 * verified and interpreted the set-up of picocli's ~170 classes from the jar at every start
 * (BENCHMARKS.md "picocli in the class-data-sharing archive"). Version 50 has the same instruction
 * set as 49; the frames are computed by the ASM copy inside the JDK (a build-time tool only, hence
 * the --add-exports), with the jar's own classes for common superclasses. Other entries are copied
 * unchanged, in order, with their times. Prints how many classes it rewrote; exit 1 on an I/O error.
 */
public final class UpgradeOldClasses {
    private static final int JAVA_6 = 50;

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java tools/UpgradeOldClasses.java JAR");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        Path tmp = jar.resolveSibling(jar.getFileName() + ".upgrading");
        int upgraded = 0;
        try (URLClassLoader classes = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
             ZipFile in = new ZipFile(jar.toFile());
             OutputStream file = Files.newOutputStream(tmp);
             ZipOutputStream out = new ZipOutputStream(file)) {
            for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                byte[] data;
                try (InputStream s = in.getInputStream(entry)) {
                    data = s.readAllBytes();
                }
                if (entry.getName().endsWith(".class") && isOldClass(data)) {
                    data = withFrames(data, classes);
                    upgraded++;
                }
                out.putNextEntry(copyOf(entry, data));
                out.write(data);
                out.closeEntry();
            }
        } catch (IOException ex) {
            Files.deleteIfExists(tmp);
            System.err.println("UpgradeOldClasses: " + jar + ": " + ex.getMessage());
            System.exit(1);
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("UpgradeOldClasses: " + jar + ": " + upgraded + " class files rewritten as version " + JAVA_6 + " with frames");
    }

    /** The class as a version-50 class file with stack map frames (and recomputed max stack and locals). */
    private static byte[] withFrames(byte[] classFile, ClassLoader classes) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected ClassLoader getClassLoader() {
                return classes; // the frames' common superclasses are the jar's classes or the JDK's
            }
        };
        ClassVisitor asJava6 = new ClassVisitor(Opcodes.ASM8, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                super.visit(Opcodes.V1_6, access, name, signature, superName, interfaces);
            }
        };
        new ClassReader(classFile).accept(asJava6, ClassReader.SKIP_FRAMES);
        return writer.toByteArray();
    }

    /** A class file (magic CAFEBABE) whose major version is below 50. */
    private static boolean isOldClass(byte[] b) {
        return b.length >= 8 && (b[0] & 0xff) == 0xca && (b[1] & 0xff) == 0xfe && (b[2] & 0xff) == 0xba
                && (b[3] & 0xff) == 0xbe && (((b[6] & 0xff) << 8) | (b[7] & 0xff)) < JAVA_6;
    }

    /** The entry's name, time, comment, extra field and method; sizes and CRC of the (new) data when stored. */
    private static ZipEntry copyOf(ZipEntry entry, byte[] data) {
        ZipEntry copy = new ZipEntry(entry.getName());
        copy.setTime(entry.getTime());
        if (entry.getComment() != null) {
            copy.setComment(entry.getComment());
        }
        if (entry.getExtra() != null) {
            copy.setExtra(entry.getExtra());
        }
        copy.setMethod(entry.getMethod());
        if (entry.getMethod() == ZipEntry.STORED) {
            CRC32 crc = new CRC32();
            crc.update(data);
            copy.setSize(data.length);
            copy.setCompressedSize(data.length);
            copy.setCrc(crc.getValue());
        }
        return copy;
    }
}
