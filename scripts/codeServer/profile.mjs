// A private code-server "profile": every folder it writes to lives in one scratch directory, so runs never
// read or touch ~/.config/code-server, ~/.local/share/code-server or each other.
import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Settings that keep the workbench quiet and deterministic in tests. */
const TEST_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.openRepositoryInParentFolders': 'never',
};

/**
 * Creates (or fills) a scratch profile directory.
 * @param {{ root?: string, userDataDir?: string, extensionsDir?: string }} [opts]
 */
export function createProfile({ root = mkdtempSync(join(tmpdir(), 'fmes-cs-')), userDataDir, extensionsDir } = {}) {
  const profile = {
    root,
    userDataDir: userDataDir ?? join(root, 'user-data'),
    extensionsDir: extensionsDir ?? join(root, 'extensions'),
    configFile: join(root, 'config.yaml'),
    xdgConfig: join(root, 'xdg-config'),
    xdgData: join(root, 'xdg-data'),
  };
  for (const dir of [profile.userDataDir, profile.extensionsDir, profile.xdgConfig, profile.xdgData])
    mkdirSync(dir, { recursive: true });
  if (!existsSync(profile.configFile)) writeFileSync(profile.configFile, 'auth: none\ncert: false\n');
  const settings = join(profile.userDataDir, 'User', 'settings.json');
  if (!existsSync(settings)) {
    mkdirSync(join(profile.userDataDir, 'User'), { recursive: true });
    writeFileSync(settings, `${JSON.stringify(TEST_SETTINGS, null, 2)}\n`);
  }
  return profile;
}

/** The flags that point code-server at the profile and keep it from phoning home. */
export function profileArgs(profile) {
  return [
    '--config',
    profile.configFile,
    '--user-data-dir',
    profile.userDataDir,
    '--extensions-dir',
    profile.extensionsDir,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
  ];
}

/** Environment for code-server: XDG dirs in the profile and an extension gallery that cannot be reached. */
export function profileEnv(profile) {
  const deadGallery = 'http://127.0.0.1:9'; // the discard port: nothing listens, so requests fail at once
  return {
    ...process.env,
    XDG_CONFIG_HOME: profile.xdgConfig,
    XDG_DATA_HOME: profile.xdgData,
    EXTENSIONS_GALLERY: JSON.stringify({
      serviceUrl: `${deadGallery}/gallery`,
      itemUrl: `${deadGallery}/items`,
      resourceUrlTemplate: `${deadGallery}/resource/{publisher}/{name}/{version}/{path}`,
    }),
  };
}
