package io.zeroserve.script;

import java.nio.file.Path;
import java.util.List;

/**
 * What the server loads scripts from, besides the site, and with which limits.
 *
 * @param plugins    {@code --plugin}: plugin tars, {@code .o} or {@code .c} files, run first, in this order
 * @param pluginDirs {@code --plugin-dir}: directories packed in memory like {@code --pack}, run next
 * @param options    limits and host facilities
 */
public record ScriptConfig(List<Path> plugins, List<Path> pluginDirs, ScriptOptions options) {
    public ScriptConfig {
        plugins = List.copyOf(plugins);
        pluginDirs = List.copyOf(pluginDirs);
    }

    public static ScriptConfig defaults() {
        return new ScriptConfig(List.of(), List.of(), ScriptOptions.defaults());
    }

    /** True for a site argument that is a standalone script ({@code .c} or {@code .o}) rather than a tar. */
    public static boolean isStandaloneScript(Path site) {
        String name = site.getFileName() == null ? "" : site.getFileName().toString().toLowerCase();
        return name.endsWith(".c") || name.endsWith(".o");
    }
}
