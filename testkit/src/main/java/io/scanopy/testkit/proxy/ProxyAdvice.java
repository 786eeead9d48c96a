package io.scanopy.testkit.proxy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings a remediation text tells a user to apply to a proxy, read from the text itself
 * (what {@code doctor} prints), so a test can apply exactly that and check it was enough.
 * Understands the two forms our plugins print: environment toggles ({@code CONTAINERS=1},
 * {@code ALLOW_EXEC=1}) and proxy flags ({@code -allowGET='regex'}, {@code -allowfrom=CIDR}).
 * Environment forms given as alternatives ({@code SP_ALLOW_GET='...'}) are not applied twice.
 *
 * @param environment variables to set, in the order found
 * @param flags flags to add, in the order found
 */
public record ProxyAdvice(Map<String, String> environment, List<String> flags) {
    private static final Pattern FLAG = Pattern.compile("(?<![\\w-])(-[a-zA-Z]+)=('([^']*)'|([^\\s'(),;]+))");
    private static final Pattern TOGGLE = Pattern.compile("(?<![\\w-])([A-Z][A-Z0-9_]*)=1\\b");

    /**
     * @param remediations the texts, as printed
     * @return every setting they name
     */
    public static ProxyAdvice from(List<String> remediations) {
        Map<String, String> environment = new LinkedHashMap<>();
        List<String> flags = new ArrayList<>();
        for (String text : remediations) {
            Matcher flag = FLAG.matcher(text);
            while (flag.find()) {
                String value = flag.group(3) != null ? flag.group(3) : flag.group(4);
                String rendered = flag.group(1) + "=" + value;
                if (value.contains("<")) {
                    throw new AssertionError("the advice has a placeholder left for the user to fill in: " + rendered + " in: " + text);
                }
                if (!flags.contains(rendered)) {
                    flags.add(rendered);
                }
            }
            Matcher toggle = TOGGLE.matcher(text);
            while (toggle.find()) {
                environment.put(toggle.group(1), "1");
            }
        }
        return new ProxyAdvice(environment, flags);
    }

    /**
     * @return whether the text named anything to apply
     */
    public boolean isEmpty() {
        return environment.isEmpty() && flags.isEmpty();
    }

    /**
     * Flags after applying this advice to a proxy's flags: a single-valued flag
     * ({@code -allowfrom}, {@code -listenip}) replaces the one given, an allowlist is added
     * (several allowlists for one method are all honoured).
     *
     * @param current the proxy's flags
     * @return the new flags
     */
    public List<String> appliedTo(List<String> current) {
        List<String> result = new ArrayList<>(current);
        for (String flag : flags) {
            String name = flag.substring(0, flag.indexOf('='));
            if (name.equals("-allowfrom") || name.equals("-listenip")) {
                result.removeIf(f -> f.startsWith(name + "="));
            }
            result.add(flag);
        }
        return result;
    }
}
