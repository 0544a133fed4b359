package io.histoscale.server.web;

import io.histoscale.core.Html;
import io.histoscale.server.auth.Security;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.util.List;

/**
 * The pages: each is a small server-rendered shell (navigation, who is logged in, the CSRF token) whose script reads
 * the {@code /api/v1} API, so the pages show nothing the API does not.
 */
public final class Pages {

    /** Navigation: path, title. */
    private static final List<String[]> NAV = List.of(new String[]{"/runs", "Runs"}, new String[]{"/submit", "Submit"},
            new String[]{"/slides", "Slides"}, new String[]{"/patients", "Patients"},
            new String[]{"/studies", "Studies"},
            new String[]{"/federation", "Federation"}, new String[]{"/cluster", "Cluster"});

    private final Security security;

    public Pages(Security security) {
        this.security = security;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/", ctx -> ctx.redirect("/runs"));
        page(config, "/runs", "Runs", "runs", false);
        page(config, "/runs/{id}", "Run", "run", true);
        page(config, "/submit", "Submit", "submit", false);
        page(config, "/slides", "Slides", "slides", false);
        page(config, "/slides/view", "Slide", "viewer", true);
        page(config, "/patients", "Patients", "patients", false);
        page(config, "/studies", "Studies", "studies", false);
        page(config, "/studies/{name}", "Study", "studies", false);
        page(config, "/federation", "Federation", "federation", false);
        page(config, "/cluster", "Cluster", "cluster", false);
    }

    private void page(JavalinConfig config, String path, String title, String script, boolean viewer) {
        config.routes.get(path, ctx -> ctx.html(shell(ctx, title, script, viewer)));
    }

    private String shell(Context ctx, String title, String script, boolean viewer) {
        Security.Principal user = Security.user(ctx);
        StringBuilder h = new StringBuilder(2048);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"csrf-token\" content=\"").append(Html.escape(user.csrfToken() == null ? "" : user.csrfToken()))
                .append("\">\n<meta name=\"role\" content=\"").append(Html.escape(user.role().name().toLowerCase()))
                .append("\">\n<title>").append(Html.escape(title)).append(" · HistoScale</title>\n")
                .append("<link rel=\"stylesheet\" href=\"/static/vendor/uplot/uPlot.min.css\">\n")
                .append("<link rel=\"stylesheet\" href=\"/static/app.css\">\n</head>\n<body>\n<header><nav>")
                .append("<a class=\"brand\" href=\"/runs\">HistoScale</a>");
        for (String[] n : NAV) {
            boolean here = ctx.path().equals(n[0]) || ctx.path().startsWith(n[0] + "/");
            h.append("<a href=\"").append(n[0]).append("\"").append(here ? " class=\"here\"" : "").append(">")
                    .append(n[1]).append("</a>");
        }
        h.append("</nav><div class=\"who\"><span id=\"user\">").append(Html.escape(user.name())).append("</span> · ")
                .append(Html.escape(user.role().name().toLowerCase()))
                .append("<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"_csrf\" value=\"")
                .append(Html.escape(user.csrfToken() == null ? "" : user.csrfToken()))
                .append("\"><button type=\"submit\">Log out</button></form></div></header>\n")
                .append("<main id=\"main\" data-page=\"").append(script).append("\"><h1>").append(Html.escape(title))
                .append("</h1><p class=\"loading\">Loading…</p></main>\n");
        if (viewer) h.append("<script src=\"/static/vendor/openseadragon/openseadragon.min.js\"></script>\n");
        h.append("<script src=\"/static/vendor/uplot/uPlot.iife.min.js\"></script>\n")
                .append("<script src=\"/static/js/common.js\"></script>\n")
                .append("<script src=\"/static/js/").append(script).append(".js\"></script>\n</body>\n</html>\n");
        return h.toString();
    }

    /** A short page for an error a person caused or can act on. */
    public static String errorPage(int status, String message) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + status
                + " · HistoScale</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main>"
                + "<h1>" + status + "</h1><p class=\"error\">" + Html.escape(message == null ? "" : message)
                + "</p><p><a href=\"/runs\">Back to the runs</a></p></main></body></html>\n";
    }
}
