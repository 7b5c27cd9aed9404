import { describe, expect, it } from "vitest";
import { PLUGIN_VERSION, TEMPLATES, templateConfig, templateDefaults } from "./templates";

describe("templates", () => {
  it("every template can pin the plugin version, and sends the key only when it is filled", () => {
    for (const t of TEMPLATES) {
      expect(t.fields).toContain(PLUGIN_VERSION);
      const values = templateDefaults(t);
      expect(templateConfig(t, values)).not.toHaveProperty("connector.plugin.version");
      expect(templateConfig(t, { ...values, "connector.plugin.version": " 4.3.1 " })["connector.plugin.version"]).toBe("4.3.1");
    }
  });
});
