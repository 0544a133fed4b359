package io.histoscale.server.api;

import io.histoscale.cli.Main;
import io.histoscale.launch.Executor;
import io.javalin.config.JavalinConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/jobs}: submitting tile, train and stage (and any command named in {@link #COMMANDS}) from a form.
 * The forms are the command line's own options, read from its picocli model, so a new option or command needs no web
 * code; a submission runs the command line itself ({@code histoscale CMD … --executor E --detach}) in a child
 * process, so it is validated with exactly the command line's messages and recorded in the registry by the same code.
 * Every path in a form must lie inside a slide folder or the work folder; outputs inside the work folder.
 */
public final class JobsApi {

    /** The commands that can be submitted from the browser, in the order the page shows them. */
    public static final List<String> COMMANDS = List.of("tile", "train", "stage");

    /** Options the page sets itself (executor and resources) or never offers. */
    private static final Set<String> OWN = Set.of("--executor", "--partition", "--time", "--cpus", "--gpus", "--mem",
            "--mpi-tasks", "--array-size", "--detach", "--store", "--run-id", "--run-task", "--debug", "--resume",
            "--help", "--version");
    private static final Pattern RUN_LINE = Pattern.compile("(?m)^run (\\S+): ");
    private static final long TIMEOUT_SECONDS = 120;

    private final List<String> cli;
    private final String store;
    private final Path workRoot;
    private final List<Path> slideRoots;
    private final RunsApi.Audit audit;
    private final java.util.function.Function<Context, String> userName;
    /** The forms, read once from the command line's model (it does not change while the server runs). */
    private final Map<String, Object> forms;
    /** The same fields by command, then by option name ("" for the positional inputs). */
    private final Map<String, Map<String, Map<String, Object>>> fieldsByCommand = new LinkedHashMap<>();

    public JobsApi(List<String> cli, String store, Path workRoot, List<Path> slideRoots, RunsApi.Audit audit,
                   java.util.function.Function<Context, String> userName) {
        this.cli = List.copyOf(cli);
        this.store = store;
        this.workRoot = workRoot;
        this.slideRoots = List.copyOf(slideRoots);
        this.audit = audit;
        this.userName = userName;
        this.forms = buildForms();
    }

    public void register(JavalinConfig config, Handler requireResearcher) {
        config.routes.get("/api/v1/jobs/forms", ctx -> ctx.json(forms()));
        config.routes.post("/api/v1/jobs", ctx -> {
            requireResearcher.handle(ctx);
            submit(ctx);
        });
    }

    /** The forms: for each command, its options as fields, then the executors and resources. */
    public Map<String, Object> forms() {
        return forms;
    }

    private Map<String, Object> buildForms() {
        CommandLine top = new CommandLine(new Main());
        List<Map<String, Object>> commands = new ArrayList<>();
        for (String name : COMMANDS) {
            CommandLine c = top.getSubcommands().get(name);
            if (c == null) continue;
            CommandSpec spec = c.getCommandSpec();
            List<Map<String, Object>> fields = new ArrayList<>();
            for (PositionalParamSpec p : spec.positionalParameters()) fields.add(field(p, null));
            for (OptionSpec o : spec.options()) {
                if (o.hidden() || o.usageHelp() || o.versionHelp() || OWN.contains(o.longestName())) continue;
                fields.add(field(o, o.longestName()));
            }
            Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
            for (Map<String, Object> f : fields) byName.put((String) f.get("name"), f);
            fieldsByCommand.put(name, byName);
            Map<String, Object> form = new LinkedHashMap<>();
            form.put("command", name);
            form.put("description", String.join(" ", spec.usageMessage().description()));
            form.put("fields", fields);
            commands.add(form);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("commands", commands);
        out.put("executors", Executor.names().stream().filter(n -> !n.equals("inline")).toList());
        out.put("resources", List.of(
                Map.of("name", "--cpus", "label", "CPUs per task", "type", "int"),
                Map.of("name", "--gpus", "label", "GPUs per node", "type", "int"),
                Map.of("name", "--mem", "label", "Memory per node (e.g. 8G)", "type", "text"),
                Map.of("name", "--time", "label", "Time limit (Slurm, e.g. 1:00:00)", "type", "text"),
                Map.of("name", "--partition", "label", "Partition (Slurm)", "type", "text")));
        out.put("workFolder", workRoot.toString());
        out.put("slideFolders", slideRoots.stream().map(Path::toString).toList());
        return out;
    }

    private static Map<String, Object> field(ArgSpec a, String optionName) {
        Map<String, Object> f = new LinkedHashMap<>();
        boolean positional = optionName == null;
        f.put("name", positional ? "" : optionName);
        f.put("label", positional ? ((PositionalParamSpec) a).paramLabel() : optionName);
        f.put("positional", positional);
        f.put("required", a.required() || positional && ((PositionalParamSpec) a).arity().min() > 0);
        f.put("multiple", a.isMultiValue());
        Class<?> type = a.isMultiValue() && a.auxiliaryTypes().length > 0 ? a.auxiliaryTypes()[0] : a.type();
        String kind;
        if (!positional && ((OptionSpec) a).arity().max() == 0) kind = "flag";
        else if (type.isEnum()) kind = "choice";
        else if (type == int.class || type == Integer.class || type == long.class || type == Long.class) kind = "int";
        else if (type == double.class || type == Double.class || type == float.class) kind = "number";
        else if (isPath(type)) kind = "path";
        else kind = "text";
        f.put("type", kind);
        if (type.isEnum()) {
            List<String> choices = new ArrayList<>();
            for (Object c : type.getEnumConstants()) choices.add(c.toString().toLowerCase(Locale.ROOT));
            f.put("choices", choices);
        } else if (a.completionCandidates() != null) {
            List<String> choices = new ArrayList<>();
            a.completionCandidates().forEach(choices::add);
            if (!choices.isEmpty()) f.put("choices", choices);
        }
        String dflt = a.defaultValue() != null ? a.defaultValue() : a.initialValue() == null
                || a.initialValue() instanceof Collection<?> || a.initialValue() instanceof Boolean ? null
                : String.valueOf(a.initialValue());
        f.put("default", dflt);
        String description = String.join(" ", a.description()).replace("${DEFAULT-VALUE}", String.valueOf(dflt));
        f.put("description", description);
        return f;
    }

    private static boolean isPath(Class<?> type) {
        return type == Path.class || type == File.class;
    }

    /**
     * Body: {@code {"command": "train", "values": {"--data": "store", "--epochs": "2", "": ["a.tif"]}, "executor":
     * "local", "resources": {"--cpus": "2"}}}; answers 201 with the run id, or 400 with the command line's message.
     */
    private void submit(Context ctx) throws IOException, InterruptedException {
        Submission s;
        try {
            s = io.histoscale.core.Json.MAPPER.readValue(ctx.body(), Submission.class);
        } catch (IOException e) {
            throw new BadRequestResponse("the submission is not JSON of the form {command, values, executor, resources}");
        }
        List<String> argv;
        try {
            argv = arguments(s);
        } catch (BadRequestResponse e) {
            audit.record(ctx, "submit " + s.command(), "-", "refused: " + e.getMessage());
            throw e;
        }
        List<String> command = new ArrayList<>(cli);
        command.add(1, "-Dhistoscale.user=" + userName.apply(ctx));
        command.addAll(argv);
        Files.createDirectories(workRoot);
        Process p = new ProcessBuilder(command).directory(workRoot.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        java.util.concurrent.CompletableFuture<String> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new io.javalin.http.InternalServerErrorResponse("the submission did not answer within "
                    + TIMEOUT_SECONDS + " s");
        }
        String errors = err.join();
        Matcher m = RUN_LINE.matcher(out);
        if (p.exitValue() == 0 && m.find()) {
            String id = m.group(1);
            audit.record(ctx, "submit " + s.command(), id, "submitted");
            ctx.status(201).json(Map.of("run", id, "output", out.strip()));
            return;
        }
        String message = cliMessage(errors.isBlank() ? out : errors);
        audit.record(ctx, "submit " + s.command(), "-", "refused: " + message);
        throw new BadRequestResponse(message);
    }

    /** The command line's error as one line, without its "histoscale: error:" prefix and "try: … --help" hint. */
    static String cliMessage(String stderr) {
        List<String> lines = new ArrayList<>();
        for (String line : stderr.split("\\R")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("try: ")) continue;
            lines.add(l.replaceFirst("^histoscale: (error: )?", ""));
        }
        return lines.isEmpty() ? "the command failed without a message" : String.join(" ", lines);
    }

    /** The submission as command-line arguments, with every path checked against the folders. */
    List<String> arguments(Submission s) {
        if (s.command() == null || !fieldsByCommand.containsKey(s.command())) {
            throw new BadRequestResponse("command " + s.command() + " cannot be submitted; use one of " + COMMANDS);
        }
        Map<String, Map<String, Object>> fields = fieldsByCommand.get(s.command());
        List<String> argv = new ArrayList<>(List.of(s.command()));
        List<String> positionals = new ArrayList<>();
        Map<String, Object> values = s.values() == null ? Map.of() : s.values();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            Map<String, Object> f = fields.get(e.getKey());
            if (f == null) throw new BadRequestResponse(e.getKey() + " is not an option of " + s.command());
            List<String> given = strings(e.getValue());
            if (given.isEmpty()) continue;
            if ("flag".equals(f.get("type"))) {
                if (given.size() == 1 && Boolean.parseBoolean(given.get(0))) argv.add(e.getKey());
                continue;
            }
            for (String v : given) {
                if ("path".equals(f.get("type"))) v = checkedPath(e.getKey(), v).toString();
                if ((Boolean) f.get("positional")) positionals.add(v);
                else argv.add(e.getKey() + "=" + v);
            }
        }
        String executor = s.executor() == null || s.executor().isBlank() ? "local" : s.executor();
        if (!Executor.names().contains(executor) || executor.equals("inline")) {
            throw new BadRequestResponse("executor " + executor + " is not available; use " + Executor.choices());
        }
        argv.add("--executor=" + executor);
        if (s.resources() != null) {
            for (Map.Entry<String, Object> r : s.resources().entrySet()) {
                if (!Set.of("--cpus", "--gpus", "--mem", "--time", "--partition").contains(r.getKey())) {
                    throw new BadRequestResponse(r.getKey() + " is not a resource; use --cpus, --gpus, --mem, --time "
                            + "or --partition");
                }
                for (String v : strings(r.getValue())) argv.add(r.getKey() + "=" + v);
            }
        }
        argv.add("--detach");
        argv.add("--store=" + store);
        if (!positionals.isEmpty()) {
            argv.add("--");
            argv.addAll(positionals);
        }
        return argv;
    }

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value == null) return out;
        if (value instanceof Collection<?> c) {
            for (Object o : c) if (o != null && !o.toString().isBlank()) out.add(o.toString().trim());
        } else if (!value.toString().isBlank()) {
            for (String part : value.toString().split("[\\n,]")) if (!part.isBlank()) out.add(part.trim());
        }
        return out;
    }

    /**
     * A path from a form, resolved against the work folder: outputs ({@code --out}) inside the work folder, anything
     * else inside it or a slide folder.
     */
    private Path checkedPath(String option, String value) {
        if (value.indexOf('\0') >= 0) throw new BadRequestResponse(option + ": not a path");
        Path p = workRoot.resolve(value).normalize();
        boolean output = option.equals("--out");
        boolean inside = p.startsWith(workRoot) || !output && slideRoots.stream().anyMatch(p::startsWith);
        if (inside) {
            // a link that leaves the folders counts as outside
            Path real = realOfExistingPrefix(p);
            inside = real.startsWith(realOf(workRoot)) || !output && slideRoots.stream().anyMatch(real::startsWith);
        }
        if (!inside) {
            throw new BadRequestResponse(option + " " + value + (output ? " is outside the work folder "
                    + workRoot : " is outside the work folder and the slide folders") + "; give a path inside");
        }
        return p;
    }

    private static Path realOf(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }

    private static Path realOfExistingPrefix(Path p) {
        Path existing = p;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) return p;
        return realOf(existing).resolve(existing.relativize(p));
    }

    /** A submission from the page. */
    public record Submission(String command, Map<String, Object> values, String executor, Map<String, Object> resources) {
    }
}
