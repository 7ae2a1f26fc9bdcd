package io.vitgen.emit;

import java.io.StringWriter;
import java.util.Objects;

import org.apache.velocity.Template;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.runtime.RuntimeConstants;
import org.apache.velocity.runtime.resource.loader.ClasspathResourceLoader;

/**
 * The one Velocity engine of the generator: strict mode (an undefined reference is an error, not
 * silent text), escaping in strict mode, templates from the classpath, default line gobbling.
 * A template sees its typed variables as {@code $v} and generator facts as {@code $gen}.
 */
public final class TemplateEngine {

    /** Generator facts every template may print (version). */
    public static final class GeneratorInfo {
        public String version() {
            return Version.get();
        }
    }

    private static final TemplateEngine INSTANCE = new TemplateEngine();

    private final VelocityEngine engine;
    private final GeneratorInfo info = new GeneratorInfo();

    private TemplateEngine() {
        engine = new VelocityEngine();
        engine.setProperty(RuntimeConstants.RESOURCE_LOADERS, "classpath");
        engine.setProperty("resource.loader.classpath.class", ClasspathResourceLoader.class.getName());
        engine.setProperty("resource.loader.classpath.cache", "true");
        engine.setProperty(RuntimeConstants.RUNTIME_REFERENCES_STRICT, "true");
        engine.setProperty("runtime.strict_mode.escape", "true");
        engine.setProperty(RuntimeConstants.INPUT_ENCODING, "UTF-8");
        engine.init();
    }

    public static TemplateEngine get() {
        return INSTANCE;
    }

    /**
     * Renders a template below {@code root/} (for example {@code rtl-templates/axis_skid.v.vm}) with
     * the given variables; the variables must not be null.
     */
    public String render(String path, Object vars) {
        Objects.requireNonNull(vars, () -> "template variables for " + path);
        Template t = engine.getTemplate(path, "UTF-8");
        VelocityContext ctx = new VelocityContext();
        ctx.put("v", vars);
        ctx.put("gen", info);
        StringWriter w = new StringWriter();
        t.merge(ctx, w);
        return w.toString();
    }
}
