// The words the default deny-list rules are written in (defaultRules.ts, askRules.ts): programs, flags that take a
// value, and the patterns of paths, devices and git settings the rules share.
export const SHELLS = ['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'yash', 'posh'];
export const GIT_VALUE = ['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--config-env'];
export const KUBE_VALUE = [
  '-n',
  '--namespace',
  '--context',
  '--cluster',
  '--user',
  '-s',
  '--server',
  '--kubeconfig',
  '-l',
  '--selector',
  '-o',
  '--output',
  '-f',
  '--filename',
];
export const AWS_VALUE = ['--profile', '--region', '--endpoint-url', '--output', '--exclude', '--include'];
export const GCLOUD_VALUE = ['--project', '--zone', '--region', '--format', '--account', '--configuration'];
/** `/`, `~`, the home and workspace folders, top-level system folders, and everything in one of them. */
export const ROOTISH = String.raw`^(/|~|\$HOME|\$\{HOME\}|{{home}}|{{workspace}}|/(bin|boot|dev|etc|home|lib|lib32|lib64|opt|proc|root|run|sbin|srv|sys|usr|var|Users|System|Library|Applications|private|Volumes))(/\*|/\.\*)?$|^/\*$|^/\.\*$`;
/** The working folder: for an agent, the workspace root. */
export const CWDISH = '^(\\*|\\.|\\.\\.|\\.\\*|\\$PWD|\\$\\{PWD\\}|\\$\\(pwd\\)|`pwd`)(/\\*|/\\.\\*)?$';
export const RECURSIVE = ['-r', '-R', '--recursive'];
/** Block devices: writing one overwrites a disk, a partition or a volume (a read, `if=/dev/sda`, stays allowed). */
export const DEVICE = String.raw`^/dev/(sd|hd|vd|xvd|nvme|mmcblk|r?disk|md|dm-|mapper/|loop|nbd|zd|zram|mtd|sr)`;
export const SQL_CLIENTS = [
  'psql',
  'mysql',
  'mariadb',
  'sqlite3',
  'sqlite',
  'sqlcmd',
  'clickhouse-client',
  'cockroach',
  'duckdb',
  'mysqlsh',
  'usql',
  'pgcli',
  'mycli',
  'litecli',
  'snowsql',
  'bq',
  'trino',
  'presto',
  'cqlsh',
];
export const RM_LIKE = ['rimraf', 'del', 'del-cli', 'trash', 'trash-put', 'rmtrash', 'rm-rf'];
export const FMES_VALUE = ['-w', '--workspace'];
/** Git settings whose value is a command git runs (case-insensitive, like git's keys). */
export const GIT_EXEC_KEY = String.raw`(?i)^(alias\.|core\.(hookspath|fsmonitor|sshcommand|pager|editor|askpass|gitproxy)$|sequence\.editor$|diff\.external$|diff\..+\.(textconv|command)$|merge\..+\.driver$|filter\..+\.(clean|smudge|process)$|credential\.|gpg\.(.+\.)?program$|include\.path$|includeif\.|uploadpack\.packobjectshook$|pager\.|interactive\.difffilter$|protocol\.ext\.allow$|remote\..+\.(uploadpack|receivepack|vcs)$|.*\.(helper|command|cmd|program|tool)$)`;
export const PROTECTED = String.raw`^(\+?[^:]*:)?(refs/heads/)?(main|master)$`;
