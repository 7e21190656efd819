/**
 * The default deny-list rules: data, matched by ruleMatch.ts against every simple command the parser finds.
 * Settings add, change or disable them by id (mergeRules in denyList.ts). See denyList.ts for the policies.
 */
import type { DenyRule } from '../../core/safety/denyRules';

export const SHELLS = ['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'yash', 'posh'];
const GIT_VALUE = ['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--config-env'];
const KUBE_VALUE = ['-n', '--namespace', '--context', '--cluster', '--user', '-s', '--server', '--kubeconfig', '-l', '--selector', '-o', '--output', '-f', '--filename'];
const AWS_VALUE = ['--profile', '--region', '--endpoint-url', '--output', '--exclude', '--include'];
const GCLOUD_VALUE = ['--project', '--zone', '--region', '--format', '--account', '--configuration'];
/** `/`, `~`, the home and workspace folders, top-level system folders, and everything in one of them. */
export const ROOTISH = String.raw`^(/|~|\$HOME|\$\{HOME\}|{{home}}|{{workspace}}|/(bin|boot|dev|etc|home|lib|lib32|lib64|opt|proc|root|run|sbin|srv|sys|usr|var|Users|System|Library|Applications|private|Volumes))(/\*|/\.\*)?$|^/\*$|^/\.\*$`;
/** The working folder: for an agent, the workspace root. */
export const CWDISH = '^(\\*|\\.|\\.\\.|\\.\\*|\\$PWD|\\$\\{PWD\\}|\\$\\(pwd\\)|`pwd`)(/\\*|/\\.\\*)?$';
const RECURSIVE = ['-r', '-R', '--recursive'];
/** Block devices: writing one overwrites a disk, a partition or a volume (a read, `if=/dev/sda`, stays allowed). */
export const DEVICE = String.raw`^/dev/(sd|hd|vd|xvd|nvme|mmcblk|r?disk|md|dm-|mapper/|loop|nbd|zd|zram|mtd|sr)`;
export const SQL_CLIENTS = ['psql', 'mysql', 'mariadb', 'sqlite3', 'sqlite', 'sqlcmd', 'clickhouse-client', 'cockroach', 'duckdb', 'mysqlsh', 'usql', 'pgcli', 'mycli', 'litecli', 'snowsql', 'bq', 'trino', 'presto', 'cqlsh'];
const RM_LIKE = ['rimraf', 'del', 'del-cli', 'trash', 'trash-put', 'rmtrash', 'rm-rf'];
const FMES_VALUE = ['-w', '--workspace'];
/** Git settings whose value is a command git runs (case-insensitive, like git's keys). */
export const GIT_EXEC_KEY = String.raw`(?i)^(alias\.|core\.(hookspath|fsmonitor|sshcommand|pager|editor|askpass|gitproxy)$|sequence\.editor$|diff\.external$|diff\..+\.(textconv|command)$|merge\..+\.driver$|filter\..+\.(clean|smudge|process)$|credential\.|gpg\.(.+\.)?program$|include\.path$|includeif\.|uploadpack\.packobjectshook$|pager\.|interactive\.difffilter$|protocol\.ext\.allow$|remote\..+\.(uploadpack|receivepack|vcs)$|.*\.(helper|command|cmd|program|tool)$)`;
const PROTECTED = String.raw`^(\+?[^:]*:)?(refs/heads/)?(main|master)$`;

export const DEFAULT_RULES: readonly DenyRule[] = [
  { id: 'rm-no-preserve-root', tier: 'deny', description: 'rm with --no-preserve-root exists only to delete /', program: 'rm', anyFlags: ['--no-preserve-root'] },
  { id: 'rm-rf-root', tier: 'deny', description: 'recursive rm of /, ~, the workspace or a system folder', program: 'rm', anyFlags: RECURSIVE, argPattern: ROOTISH },
  { id: 'rm-rf-cwd', tier: 'deny', description: 'recursive rm of ., .., * or $PWD: for an agent the working folder is the workspace; name what to delete', program: 'rm', anyFlags: RECURSIVE, argPattern: CWDISH },
  { id: 'terraform-destroy-auto-approve', tier: 'deny', description: 'terraform destroy -auto-approve destroys the infrastructure without review', program: ['terraform', 'tofu', 'terragrunt'], subcommand: ['destroy'], anyFlags: ['-auto-approve'] },
  { id: 'terraform-apply-destroy-auto-approve', tier: 'deny', description: 'terraform apply -destroy -auto-approve destroys the infrastructure without review', program: ['terraform', 'tofu', 'terragrunt'], subcommand: ['apply'], allFlags: ['-destroy', '-auto-approve'] },
  { id: 'kubectl-delete-production-namespace', tier: 'deny', description: 'deleting the production namespace deletes everything in it', program: ['kubectl', 'oc'], subcommand: ['delete', 'ns|namespace|namespaces'], valueFlags: KUBE_VALUE, argPattern: '^(production|prod)$' },
  { id: 'kubectl-delete-production-namespace-slash', tier: 'deny', description: 'deleting the production namespace deletes everything in it', program: ['kubectl', 'oc'], subcommand: ['delete'], valueFlags: KUBE_VALUE, argPattern: '^(ns|namespaces?)/(production|prod)$' },
  { id: 'git-push-force', tier: 'deny', description: 'force push rewrites the remote history; on your own branch use --force-with-lease', program: 'git', subcommand: ['push'], valueFlags: GIT_VALUE, anyFlags: ['--force', '-f', '--mirror'], abbrev: true },
  { id: 'git-push-force-refspec', tier: 'deny', description: 'a +refspec is a force push; on your own branch use --force-with-lease', program: 'git', subcommand: ['push'], valueFlags: GIT_VALUE, argPattern: '^\\+.' },
  { id: 'sql-destructive', tier: 'deny', description: 'DROP TABLE/DATABASE/SCHEMA or TRUNCATE deletes data', program: SQL_CLIENTS, sql: true },
  { id: 'dropdb', tier: 'deny', description: 'dropdb deletes a database', program: 'dropdb' },
  { id: 'mkfs', tier: 'deny', description: 'making a file system erases the device', program: ['mkfs*', 'mke2fs', 'mkswap', 'wipefs', 'mkdosfs', 'mkntfs', 'newfs*', 'blkdiscard'] },
  { id: 'copy-to-device', tier: 'deny', description: 'copying onto a disk device overwrites it', program: ['cp', 'install', 'mv', 'rsync', 'ddrescue', 'dcfldd', 'dc3dd', 'pv', 'sponge'], lastArgPattern: DEVICE },
  { id: 'shred-device', tier: 'deny', description: 'shredding a disk device erases it', program: ['shred', 'scrub', 'srm', 'wipe'], argPattern: DEVICE },
  { id: 'badblocks-write', tier: 'deny', description: 'badblocks -w overwrites the whole device', program: 'badblocks', anyFlags: ['-w'], argPattern: DEVICE },
  { id: 'partition-table-write', tier: 'deny', description: 'rewriting a partition table loses every partition on the disk', program: ['sfdisk', 'fdisk', 'gdisk', 'cfdisk', 'cgdisk'], argPattern: DEVICE, noneFlags: ['-l', '--list', '-d', '--dump', '-J', '--json', '-s', '--show-size', '-g', '--show-geometry', '-V', '--verify', '-F', '--list-free', '-v', '--version', '-h', '--help'] },
  { id: 'sgdisk-write', tier: 'deny', description: 'rewriting a partition table loses every partition on the disk', program: 'sgdisk', anyFlags: ['-Z', '--zap-all', '-z', '--zap', '-o', '--clear', '-d', '--delete', '-n', '--new', '-N', '--largest-new', '-R', '--replicate', '-g', '--mbrtogpt', '-m', '--gpttombr'] },
  { id: 'parted-write', tier: 'deny', description: 'rewriting a partition table loses every partition on the disk', program: 'parted', argPatterns: [DEVICE, '^(mklabel|mktable|rm|mkpart|mkpartfs|resizepart|resize|rescue)$'] },
  { id: 'hdparm-erase', tier: 'deny', description: 'a secure erase or TRIM through hdparm erases the disk', program: 'hdparm', anyFlags: ['--security-erase', '--security-erase-enhanced', '--trim-sector-ranges', '--trim-sector-ranges-stdin', '--write-sector', '--make-bad-sector', '--dco-restore'] },
  { id: 'nvme-format', tier: 'deny', description: 'nvme format/sanitize erases the drive', program: 'nvme', subcommand: ['format|sanitize|delete-ns|write-zeroes|write-uncor'] },
  { id: 'cryptsetup-format', tier: 'deny', description: 'cryptsetup luksFormat/erase destroys the volume key: the data is gone', program: 'cryptsetup', argPattern: '^(luksFormat|erase|luksErase)$' },
  { id: 'rimraf-root', tier: 'deny', description: 'rimraf/del/trash of /, ~, the workspace or a system folder (they are always recursive)', program: RM_LIKE, argPattern: ROOTISH },
  { id: 'rimraf-cwd', tier: 'deny', description: 'rimraf/del/trash of ., .., * or $PWD: for an agent the working folder is the workspace', program: RM_LIKE, argPattern: CWDISH },
  { id: 'fmes-person-decision', tier: 'deny', description: "a person's decision: an agent never approves, rejects or breaks locks", program: 'fmes', valueFlags: FMES_VALUE, subcommand: ['approve|reject|approval-approve|approval-reject'] },
  { id: 'fmes-lock-break', tier: 'deny', description: "a person's decision: an agent never approves, rejects or breaks locks", program: 'fmes', valueFlags: FMES_VALUE, subcommand: ['lock', 'break'] },
  { id: 'dd-to-device', tier: 'deny', description: 'dd onto a device overwrites it', program: ['dd', 'dcfldd', 'dc3dd'], argPattern: '^of=/dev/(?!(null|zero|stdout|stderr|tty)$|fd/)' },
  { id: 'write-to-device', tier: 'deny', description: 'writing onto a disk device overwrites it', program: '*', redirectPattern: DEVICE },
  { id: 'tee-to-device', tier: 'deny', description: 'writing onto a disk device overwrites it', program: 'tee', argPattern: DEVICE },
  { id: 'chmod-recursive-root', tier: 'deny', description: 'recursive chmod/chown of /, ~ or a system folder breaks the system', program: ['chmod', 'chown', 'chgrp'], anyFlags: RECURSIVE, argPattern: ROOTISH },
  { id: 'fork-bomb', tier: 'deny', description: 'a function that calls itself (fork bomb)', program: '*', selfCall: true },
  { id: 'shutdown', tier: 'deny', description: 'an agent must not power off or reboot the machine', program: ['shutdown', 'reboot', 'halt', 'poweroff'] },
  { id: 'systemctl-power', tier: 'deny', description: 'an agent must not power off or reboot the machine', program: 'systemctl', subcommand: ['poweroff|reboot|halt|kexec'] },
  { id: 'sql-drop', tier: 'ask', description: 'DROP of an index, view, function, role, column… removes it', program: SQL_CLIENTS, sql: 'drop' },
  { id: 'sql-dynamic', tier: 'ask', description: 'a DO block, EXECUTE or PREPARE builds its SQL at run time: nobody can read it before it runs', program: SQL_CLIENTS, sql: 'dynamic' },
  { id: 'sql-unbounded', tier: 'ask', description: 'DELETE or UPDATE with no WHERE changes every row of the table', program: SQL_CLIENTS, sql: 'unbounded' },
  { id: 'git-config-exec', tier: 'ask', description: 'a git setting that runs a command (alias, hooks path, fsmonitor, pager, editor, ssh command, diff/filter driver, credential helper)', program: 'git', subcommand: ['config'], argPattern: GIT_EXEC_KEY, noneFlags: ['--get', '--get-all', '--get-regexp', '--get-urlmatch', '-l', '--list', '--unset', '--unset-all'] },
  { id: 'terraform-destroy', tier: 'ask', description: 'terraform destroy destroys infrastructure', program: ['terraform', 'tofu', 'terragrunt'], subcommand: ['destroy'] },
  { id: 'terraform-apply-destroy', tier: 'ask', description: 'terraform apply -destroy destroys infrastructure', program: ['terraform', 'tofu', 'terragrunt'], subcommand: ['apply'], anyFlags: ['-destroy'] },
  { id: 'terraform-apply-auto-approve', tier: 'ask', description: 'terraform apply -auto-approve changes infrastructure without review of the plan', program: ['terraform', 'tofu', 'terragrunt'], subcommand: ['apply'], anyFlags: ['-auto-approve'] },
  { id: 'kubectl-delete', tier: 'ask', description: 'kubectl delete removes cluster resources', program: ['kubectl', 'oc'], subcommand: ['delete'], valueFlags: KUBE_VALUE },
  { id: 'git-push-lease-protected', tier: 'ask', description: 'rewriting the history of main/master', program: 'git', subcommand: ['push'], valueFlags: GIT_VALUE, anyFlags: ['--force-with-lease', '--force-if-includes'], argPattern: PROTECTED },
  { id: 'git-push-delete', tier: 'ask', description: 'deleting a remote branch or tag', program: 'git', subcommand: ['push'], valueFlags: GIT_VALUE, anyFlags: ['--delete', '-d'], abbrev: true },
  { id: 'git-push-delete-refspec', tier: 'ask', description: 'deleting a remote branch or tag (:ref)', program: 'git', subcommand: ['push'], valueFlags: GIT_VALUE, argPattern: '^:.' },
  { id: 'git-reset-hard', tier: 'ask', description: 'git reset --hard discards uncommitted work', program: 'git', subcommand: ['reset'], valueFlags: GIT_VALUE, anyFlags: ['--hard'] },
  { id: 'git-clean-force', tier: 'ask', description: 'git clean -f deletes untracked files (with -x also ignored ones such as .env)', program: 'git', subcommand: ['clean'], valueFlags: GIT_VALUE, anyFlags: ['-f', '--force'] },
  { id: 'rm-rf-variable', tier: 'ask', description: 'recursive rm of $VAR/ or $VAR/*: with VAR unset this is /', program: 'rm', anyFlags: RECURSIVE, argPattern: String.raw`^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/\*?$` },
  { id: 'find-delete-root', tier: 'ask', description: 'find -delete from /, ~ or a system folder', program: 'find', anyFlags: ['-delete'], argPattern: ROOTISH },
  { id: 'pipe-to-shell', tier: 'ask', description: 'running a script straight from the network', program: SHELLS, pipedFrom: ['curl', 'wget', 'fetch', 'http', 'https'] },
  { id: 'shell-from-network', tier: 'ask', description: 'running a script straight from the network', program: [...SHELLS, 'source', '.'], argPattern: '^<\\(\\s*(curl|wget)\\b' },
  { id: 'aws-s3-rm-recursive', tier: 'ask', description: 'aws s3 rm --recursive deletes every object under the prefix', program: 'aws', subcommand: ['s3', 'rm'], valueFlags: AWS_VALUE, anyFlags: ['--recursive'] },
  { id: 'aws-s3-rb-force', tier: 'ask', description: 'aws s3 rb --force deletes a bucket and its objects', program: 'aws', subcommand: ['s3', 'rb'], valueFlags: AWS_VALUE, anyFlags: ['--force'] },
  { id: 'gcloud-delete', tier: 'ask', description: 'deleting cloud resources', program: ['gcloud', 'az'], valueFlags: GCLOUD_VALUE, argPattern: '^delete$' },
  { id: 'gsutil-rm-recursive', tier: 'ask', description: 'gsutil rm -r deletes every object under the prefix', program: 'gsutil', subcommand: ['rm'], anyFlags: ['-r', '-R', '-a'] },
  { id: 'docker-system-prune-all', tier: 'ask', description: 'docker system prune -a/--volumes deletes every unused image or volume', program: ['docker', 'podman'], subcommand: ['system', 'prune'], anyFlags: ['-a', '--all', '--volumes'] },
  { id: 'docker-volume-delete', tier: 'ask', description: 'deleting docker volumes deletes their data', program: ['docker', 'podman'], subcommand: ['volume', 'prune|rm'] },
  { id: 'docker-compose-down-volumes', tier: 'ask', description: 'docker compose down -v deletes the volumes and their data', program: ['docker', 'podman'], subcommand: ['compose', 'down'], valueFlags: ['-f', '--file', '-p', '--project-name', '--env-file', '--profile'], anyFlags: ['-v', '--volumes'] },
  { id: 'npm-publish', tier: 'ask', description: 'publishing a package is public and hard to undo', program: ['npm', 'pnpm', 'yarn', 'bun'], subcommand: ['publish|unpublish'] },
  { id: 'yarn-npm-publish', tier: 'ask', description: 'publishing a package is public and hard to undo', program: 'yarn', subcommand: ['npm', 'publish'] },
];

