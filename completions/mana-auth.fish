# fish completion for mana-auth. Installed to
# share/fish/vendor_completions.d; also printed by `mana-auth completions fish`.

set -l commands register verify-password export bootstrap reconcile doctor catalog dev completions
set -l connects register verify-password export bootstrap reconcile doctor

complete -c mana-auth -f
complete -c mana-auth -n "not __fish_seen_subcommand_from $commands" -a register -d 'Create users as the sign-up does'
complete -c mana-auth -n "not __fish_seen_subcommand_from $commands" -a verify-password -d "Check a password against a user's credential"
complete -c mana-auth -n "not __fish_seen_subcommand_from $commands" -a export -d "Write users as register --from reads them"
complete -c mana-auth -n "not __fish_seen_subcommand_from $commands" -a bootstrap -d "Write one user's or Space's singletons"
complete -c mana-auth -n "not __fish_seen_subcommand_from $commands" -a reconcile -d 'Converge every user and Space'
complete -c mana-auth -n "not __fish_seen_subcommand_from $commands" -a doctor -d 'Check both databases'
complete -c mana-auth -n "not __fish_seen_subcommand_from $commands" -a catalog -d 'The kinds of singleton'
complete -c mana-auth -n "not __fish_seen_subcommand_from $commands" -a dev -d 'A local throwaway PostgreSQL'
complete -c mana-auth -n "not __fish_seen_subcommand_from $commands" -a completions -d 'Print a shell completion script'
complete -c mana-auth -n "not __fish_seen_subcommand_from $commands" -l version -d 'Print the version'

# Connection and output, wherever they apply.
complete -c mana-auth -n "not __fish_seen_subcommand_from catalog dev completions" -l auth-db -r -d 'Auth database URL'
complete -c mana-auth -n "not __fish_seen_subcommand_from catalog dev completions" -l sync-db -r -d 'Sync database URL'
complete -c mana-auth -n "not __fish_seen_subcommand_from dev completions check" -l catalog -r -F -d 'Singleton catalog file'
complete -c mana-auth -n "not __fish_seen_subcommand_from dev completions check" -l config -r -F -d 'Configuration file (KEY=VALUE)'
complete -c mana-auth -l json -d 'One JSON document on stdout'
complete -c mana-auth -s q -l quiet -d 'Print only errors'
complete -c mana-auth -l log-level -x -a 'trace debug info warn error off' -d 'Log level on stderr'
complete -c mana-auth -l log-format -x -a 'text json' -d 'Log format on stderr'
complete -c mana-auth -l help -d 'Show help'
complete -c mana-auth -l help-all -d 'Show the help of every command below'

# register
complete -c mana-auth -n '__fish_seen_subcommand_from register' -l name -x -d 'Display name'
complete -c mana-auth -n '__fish_seen_subcommand_from register' -l tier -x -a 'guest public beta alpha founder' -d 'Access tier'
complete -c mana-auth -n '__fish_seen_subcommand_from register' -l role -x -a 'user admin service' -d 'Role'
complete -c mana-auth -n '__fish_seen_subcommand_from register' -l kind -x -a 'human persona system' -d 'Kind'
complete -c mana-auth -n '__fish_seen_subcommand_from register' -l verified -d 'Mark the email as verified'
complete -c mana-auth -n '__fish_seen_subcommand_from register' -l if-exists -x -a 'error skip update' -d 'When the email is registered'
complete -c mana-auth -n '__fish_seen_subcommand_from register' -l no-bootstrap -d 'Do not write the singletons'
complete -c mana-auth -n '__fish_seen_subcommand_from register' -l require-sync -d 'Exit 1 when the singletons cannot be written'
complete -c mana-auth -n '__fish_seen_subcommand_from register' -l password-stdin -d 'Read the password from stdin'
complete -c mana-auth -n '__fish_seen_subcommand_from register' -l password-file -r -F -d 'Read the password from a file'
complete -c mana-auth -n '__fish_seen_subcommand_from register' -l from -r -F -d 'Users from a JSON Lines or CSV file'
complete -c mana-auth -n '__fish_seen_subcommand_from register' -l rejects -r -F -d 'Write the lines that failed to a file'
complete -c mana-auth -n '__fish_seen_subcommand_from register' -l dry-run -d 'Say what each line of --from would do, write nothing'
complete -c mana-auth -n '__fish_seen_subcommand_from register' -l format -x -a 'jsonl csv' -d 'Format of --from'
complete -c mana-auth -n '__fish_seen_subcommand_from register' -l jobs -x -d 'Hashing threads'

# export
complete -c mana-auth -n '__fish_seen_subcommand_from export' -l tier -x -a 'guest public beta alpha founder' -d 'Only users of this access tier'
complete -c mana-auth -n '__fish_seen_subcommand_from export' -l role -x -a 'user admin service' -d 'Only users of this role'
complete -c mana-auth -n '__fish_seen_subcommand_from export' -l kind -x -a 'human persona system' -d 'Only users of this kind'
complete -c mana-auth -n '__fish_seen_subcommand_from export' -l email-domain -x -d 'Only addresses at this domain'
complete -c mana-auth -n '__fish_seen_subcommand_from export' -l with-password-hashes -d "Add each credential's Better Auth hash"
complete -c mana-auth -n '__fish_seen_subcommand_from export' -l out -r -F -d 'Write to a file'
complete -c mana-auth -n '__fish_seen_subcommand_from export' -l format -x -a 'jsonl csv' -d 'Output format'
# verify-password
complete -c mana-auth -n '__fish_seen_subcommand_from verify-password' -l password-stdin -d 'Read the password from stdin'
complete -c mana-auth -n '__fish_seen_subcommand_from verify-password' -l password-file -r -F -d 'Read the password from a file'

# bootstrap user|space
complete -c mana-auth -n '__fish_seen_subcommand_from bootstrap; and not __fish_seen_subcommand_from user space' -a user -d 'A user and its Spaces'
complete -c mana-auth -n '__fish_seen_subcommand_from bootstrap; and not __fish_seen_subcommand_from user space' -a space -d 'One Space'
complete -c mana-auth -n '__fish_seen_subcommand_from user' -l email -x -d "The user's email"
complete -c mana-auth -n '__fish_seen_subcommand_from space' -l slug -x -d "The Space's slug"
complete -c mana-auth -n '__fish_seen_subcommand_from space' -l owner -x -d 'Who writes it'
complete -c mana-auth -n '__fish_seen_subcommand_from bootstrap reconcile' -l dry-run -d 'Write nothing; exit 10 if anything is missing'

# reconcile
complete -c mana-auth -n '__fish_seen_subcommand_from reconcile' -l all -d 'Every live user and Space'
complete -c mana-auth -n '__fish_seen_subcommand_from reconcile' -l check -d 'Count only: exit 10 on drift'
complete -c mana-auth -n '__fish_seen_subcommand_from reconcile' -l users-only -d 'Only the user kinds'
complete -c mana-auth -n '__fish_seen_subcommand_from reconcile' -l spaces-only -d 'Only the Space kinds'
complete -c mana-auth -n '__fish_seen_subcommand_from reconcile' -l shard -x -d "K/N: this worker's share"
complete -c mana-auth -n '__fish_seen_subcommand_from reconcile' -l since -x -d 'Only what is new since WHEN (15m, 2h, 1d, ISO-8601 with zone)'
complete -c mana-auth -n '__fish_seen_subcommand_from reconcile' -l until -x -d 'With --since: only what is older than WHEN'
complete -c mana-auth -n '__fish_seen_subcommand_from reconcile' -l min-age -x -d 'Leave what is younger than DURATION to a later run'
complete -c mana-auth -n '__fish_seen_subcommand_from reconcile' -l max-writes -x -d 'Write nothing if more than N or P% would be written (exit 7)'
complete -c mana-auth -n '__fish_seen_subcommand_from reconcile' -l max-rate -x -d 'Average at most this many rows written a second'
complete -c mana-auth -n '__fish_seen_subcommand_from reconcile' -l max-lag -x -d 'Wait while a standby is further behind than DURATION'
complete -c mana-auth -n '__fish_seen_subcommand_from reconcile' -l batch-size -x -d 'Rows per committed batch'
complete -c mana-auth -n '__fish_seen_subcommand_from reconcile' -l wait -d 'Wait for a running reconcile'
complete -c mana-auth -n '__fish_seen_subcommand_from reconcile' -l pooled-session-ok -d 'The sync pooler is in session mode'
complete -c mana-auth -n '__fish_seen_subcommand_from reconcile' -l list -x -d 'Ids listed'
complete -c mana-auth -n '__fish_seen_subcommand_from reconcile' -l metrics-file -r -F -d 'Prometheus textfile'

# catalog [check FILE]
complete -c mana-auth -n '__fish_seen_subcommand_from catalog; and not __fish_seen_subcommand_from check' -a check -d 'Check a catalog file'
complete -c mana-auth -n '__fish_seen_subcommand_from catalog; and __fish_seen_subcommand_from check' -F

# dev up|reset|down|status|env
complete -c mana-auth -n '__fish_seen_subcommand_from dev; and not __fish_seen_subcommand_from up reset down status env' -a 'up' -d 'Start it and print the exports'
complete -c mana-auth -n '__fish_seen_subcommand_from dev; and not __fish_seen_subcommand_from up reset down status env' -a 'down' -d 'Stop it and remove its data'
complete -c mana-auth -n '__fish_seen_subcommand_from dev; and not __fish_seen_subcommand_from up reset down status env' -a 'reset' -d 'Drop and recreate both databases'
complete -c mana-auth -n '__fish_seen_subcommand_from dev; and not __fish_seen_subcommand_from up reset down status env' -a 'status' -d 'Is it running'
complete -c mana-auth -n '__fish_seen_subcommand_from dev; and not __fish_seen_subcommand_from up reset down status env' -a 'env' -d 'Print the exports again'
complete -c mana-auth -n '__fish_seen_subcommand_from dev' -l dir -x -a '(__fish_complete_directories)' -d 'State directory'
complete -c mana-auth -n '__fish_seen_subcommand_from up reset' -l seed -r -F -d 'Then register the users of a file'

# completions
complete -c mana-auth -n '__fish_seen_subcommand_from completions' -a 'bash zsh fish'
