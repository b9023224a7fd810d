package io.zeroserve.script;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Finds the scripts of a site, a plugin or a plugin directory, compiling C where needed. The chain's order is:
 * {@code --plugin} items in the order given, then {@code --plugin-dir} directories, then the site; within each,
 * scripts sorted by path (byte order). A script's name is its path below {@code .zeroserve/scripts/}.
 */
public final class ScriptSources {
    public static final String SCRIPTS_DIR = ".zeroserve/scripts/";

    /** Reads one file of a site by its tar path. */
    @FunctionalInterface
    public interface Reader {
        byte[] read(String path) throws IOException;
    }

    private ScriptSources() {
    }

    /** Tar path normalization: a leading {@code ./} and leading or trailing {@code /} are dropped. */
    public static String normalizeTarPath(String path) {
        String p = path;
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** True for a tar path that holds a loadable script ({@code .zeroserve/scripts/**}{@code /*.o}). */
    public static boolean isScriptObject(String path) {
        String p = normalizeTarPath(path);
        return p.startsWith(SCRIPTS_DIR) && p.endsWith(".o") && p.length() > SCRIPTS_DIR.length() + 2;
    }

    /**
     * The scripts among a site's files, sorted by path.
     *
     * @param origin names the site in messages, e.g. {@code site.tar}
     * @param paths  every regular file's tar path
     */
    public static List<ScriptSource> fromSite(String origin, Collection<String> paths, Reader reader)
            throws ScriptLoadException {
        TreeMap<byte[], String> sorted = new TreeMap<>(java.util.Arrays::compareUnsigned);
        for (String p : paths) {
            if (isScriptObject(p)) {
                sorted.put(normalizeTarPath(p).getBytes(StandardCharsets.UTF_8), p);
            }
        }
        List<ScriptSource> out = new ArrayList<>();
        for (String p : sorted.values()) {
            String norm = normalizeTarPath(p);
            try {
                out.add(new ScriptSource(norm.substring(SCRIPTS_DIR.length()), origin + ":" + norm, reader.read(p)));
            } catch (IOException e) {
                throw new ScriptLoadException(origin + ":" + norm + ": cannot read: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The scripts of a tar file (a plugin, or a site given as a path). */
    public static List<ScriptSource> fromTar(Path tar) throws ScriptLoadException {
        Map<String, byte[]> files = new TreeMap<>();
        try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream t = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = t.getNextEntry()) != null) {
                if (e.isFile() && isScriptObject(e.getName())) {
                    files.put(normalizeTarPath(e.getName()), t.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new ScriptLoadException(tar + ": cannot read the tar: " + e.getMessage(), e);
        }
        return fromSite(tar.toString(), files.keySet(), files::get);
    }

    /**
     * A standalone script or a plugin file: a {@code .o} (named after its file), a {@code .c} (compiled now), or a
     * tar.
     */
    public static List<ScriptSource> fromFile(Path file) throws ScriptLoadException {
        String fileName = file.getFileName().toString();
        String lower = fileName.toLowerCase(Locale.ROOT);
        try {
            if (lower.endsWith(".o")) {
                return List.of(new ScriptSource(fileName, file.toString(), Files.readAllBytes(file)));
            }
            if (lower.endsWith(".c")) {
                String name = fileName.substring(0, fileName.length() - 2) + ".o";
                return List.of(new ScriptSource(name, file.toString(),
                        ScriptCompiler.compile(file.toString(), Files.readAllBytes(file))));
            }
        } catch (IOException e) {
            throw new ScriptLoadException(file + ": cannot read: " + e.getMessage(), e);
        }
        return fromTar(file);
    }

    /** A plugin directory, packed in memory like {@code --pack}: C compiled, a {@code .o} beside its {@code .c} skipped. */
    public static List<ScriptSource> fromDirectory(Path dir) throws ScriptLoadException {
        Path scripts = dir.resolve(SCRIPTS_DIR);
        if (!Files.isDirectory(scripts)) {
            return List.of();
        }
        TreeMap<byte[], ScriptSource> sorted = new TreeMap<>(java.util.Arrays::compareUnsigned);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(scripts)) {
            files = walk.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new ScriptLoadException(scripts + ": cannot list: " + e.getMessage(), e);
        }
        for (Path f : files) {
            String rel = dir.relativize(f).toString().replace(java.io.File.separatorChar, '/');
            String name = rel.substring(SCRIPTS_DIR.length());
            try {
                switch (ScriptPack.classify(rel, p -> Files.exists(dir.resolve(p)))) {
                    case COMPILE -> {
                        String obj = ScriptPack.objectPath(name);
                        sorted.put(obj.getBytes(StandardCharsets.UTF_8), new ScriptSource(obj, f.toString(),
                                ScriptCompiler.compile(f.toString(), Files.readAllBytes(f))));
                    }
                    case COPY -> {
                        if (isScriptObject(rel)) {
                            sorted.put(name.getBytes(StandardCharsets.UTF_8),
                                    new ScriptSource(name, f.toString(), Files.readAllBytes(f)));
                        }
                    }
                    case SKIP -> {
                    }
                }
            } catch (IOException e) {
                throw new ScriptLoadException(f + ": cannot read: " + e.getMessage(), e);
            }
        }
        return new ArrayList<>(sorted.values());
    }

    /** {@code --plugin A,B} then {@code --plugin-dir D,...}, in that order. */
    public static List<ScriptSource> plugins(List<Path> plugins, List<Path> pluginDirs) throws ScriptLoadException {
        List<ScriptSource> out = new ArrayList<>();
        for (Path p : plugins) {
            out.addAll(fromFile(p));
        }
        for (Path d : pluginDirs) {
            out.addAll(fromDirectory(d));
        }
        return out;
    }
}
