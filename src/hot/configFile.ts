/**
 * Where a workspace keeps its F-MES settings: configFile.ts's CONFIG_FILE, which cannot be imported without
 * loading the schema (test/unit/hook/hookSettings.test.ts holds them equal). Its own module, so that reading
 * the name pulls nothing else into a hot bundle (`fmes lock run` must not carry the deny list).
 */
export const HOOK_CONFIG_FILE = '.fmes/config.json';
