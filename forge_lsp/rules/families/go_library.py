"""What FG302 knows about Go library calls whose last result is an `error`: which kind of
failure the error reports, and which arguments can make it fail.

A call is known when the table lists it: a package function by its import path
(`strconv.Atoi`, `net/url.Parse`, `github.com/hashicorp/go-version.NewConstraint`; an import alias
such as `gversion` is resolved through the file's imports), or a method by its name on any
receiver (`.QueryContext`, `.RowsAffected`), for the few names whose error result is the same
whoever declares them. A call the table does not list is unknown: Go convention makes its last
result an error more often than not, but FG302 does not claim it is one.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

import tree_sitter

from forge_lsp.rules.base import CheckContext
from forge_lsp.rules.families.swallowed import GoCall


class Kind(enum.Enum):
    """What the discarded error reports, which decides how much losing it matters."""

    IO = "I/O"  # files, readers, processes: the disk, the pipe or the child can fail any day
    SQL = "SQL"  # a query or statement: connection, deadlock, constraint, timeout
    NETWORK = "network"  # a dial, a request, a lookup
    ENV = "environment"  # the host: home directory, hostname, user database, time zones
    PARSE = "parse"  # text into a value: fails on bad input only
    DECODE = "decode"  # bytes into a value (base64, hex, certificates): fails on bad input only
    ENCODE = "encode"  # a value into JSON/XML/YAML: fails on unsupported types, NaN, a Marshaler
    CAPABILITY = "capability"  # a driver feature (`RowsAffected`): the same answer on every call


@dataclass(frozen=True, slots=True)
class Known:
    """A library call with an error last result. `inputs` are the argument positions whose
    value can make it fail (None: every argument), for the kinds that fail on input only."""

    kind: Kind
    inputs: tuple[int, ...] | None = None

    @property
    def pure(self) -> bool:
        """Fails on its input only: the same input fails on every run or on none."""
        return self.kind in (Kind.PARSE, Kind.DECODE, Kind.ENCODE)


def _table(kind: Kind, names: str, inputs: tuple[int, ...] | None = None) -> dict[str, Known]:
    return dict.fromkeys(names.split(), Known(kind, inputs))


FIRST = (0,)

# Package functions, by import path and name.
FUNCTIONS: dict[str, Known] = {
    **_table(
        Kind.IO,
        """os.Open os.OpenFile os.Create os.ReadFile os.ReadDir os.Stat os.Lstat os.MkdirTemp
        os.CreateTemp os.Readlink io/ioutil.ReadFile io/ioutil.ReadAll io/ioutil.ReadDir
        io/ioutil.TempDir io/ioutil.TempFile io.ReadAll io.ReadFull io.ReadAtLeast io.Copy
        io.CopyN io.CopyBuffer io.WriteString path/filepath.EvalSymlinks os/exec.LookPath
        fmt.Fprint fmt.Fprintf fmt.Fprintln fmt.Fscan fmt.Fscanf fmt.Fscanln
        html/template.ParseFiles html/template.ParseGlob text/template.ParseFiles
        text/template.ParseGlob crypto/tls.LoadX509KeyPair""",
    ),
    **_table(Kind.SQL, "database/sql.Open"),
    **_table(
        Kind.NETWORK,
        """net/http.Get net/http.Post net/http.Head net/http.PostForm net.Dial net.DialTimeout
        net.DialTCP net.DialUDP net.DialUnix net.Listen net.ListenPacket net.ListenTCP
        net.ListenUDP net.ListenUnix net.LookupHost net.LookupIP net.LookupAddr net.LookupCNAME
        net.LookupTXT net.LookupMX net.LookupSRV net.LookupPort net.ResolveTCPAddr
        net.ResolveUDPAddr net.ResolveIPAddr crypto/tls.Dial crypto/tls.DialWithDialer
        crypto/tls.Listen google.golang.org/grpc.Dial google.golang.org/grpc.DialContext""",
    ),
    **_table(
        Kind.ENV,
        """os.Hostname os.Getwd os.Executable os.UserHomeDir os.UserCacheDir os.UserConfigDir
        os/user.Current os/user.Lookup os/user.LookupId os/user.LookupGroup
        os/user.LookupGroupId crypto/x509.SystemCertPool time.LoadLocation""",
    ),
    **_table(
        Kind.PARSE,
        """strconv.Atoi strconv.ParseInt strconv.ParseUint strconv.ParseFloat strconv.ParseBool
        strconv.ParseComplex strconv.Unquote strconv.QuotedPrefix time.Parse
        time.ParseInLocation time.ParseDuration net/url.Parse net/url.ParseRequestURI
        net/url.ParseQuery net/url.QueryUnescape net/url.PathUnescape net.ParseCIDR
        net.SplitHostPort net.ParseMAC net/netip.ParseAddr net/netip.ParsePrefix
        net/netip.ParseAddrPort net/mail.ParseAddress net/mail.ParseAddressList
        net/mail.ParseDate mime.ParseMediaType fmt.Sscan fmt.Sscanf fmt.Sscanln
        path/filepath.Rel github.com/google/uuid.Parse github.com/hashicorp/go-version.NewVersion
        github.com/hashicorp/go-version.NewConstraint github.com/Masterminds/semver.NewVersion
        github.com/Masterminds/semver.NewConstraint github.com/Masterminds/semver/v3.NewVersion
        github.com/Masterminds/semver/v3.NewConstraint""",
    ),
    # Only the pattern can be bad: `regexp.MatchString("[^a-z]", name)` cannot fail.
    **_table(
        Kind.PARSE,
        """regexp.Compile regexp.CompilePOSIX regexp.MatchString regexp.Match
        regexp.MatchReader path/filepath.Match path/filepath.Glob path.Match""",
        FIRST,
    ),
    # The method and the URL, not the body.
    **_table(Kind.PARSE, "net/http.NewRequest", (0, 1)),
    **_table(Kind.PARSE, "net/http.NewRequestWithContext", (1, 2)),
    **_table(
        Kind.DECODE,
        """encoding/hex.DecodeString crypto/x509.ParseCertificate crypto/x509.ParseCertificates
        crypto/x509.ParsePKCS1PrivateKey crypto/x509.ParsePKCS8PrivateKey
        crypto/x509.ParsePKIXPublicKey crypto/x509.ParseECPrivateKey crypto/tls.X509KeyPair""",
    ),
    **_table(
        Kind.ENCODE,
        """encoding/json.Marshal encoding/json.MarshalIndent encoding/xml.Marshal
        encoding/xml.MarshalIndent gopkg.in/yaml.v2.Marshal gopkg.in/yaml.v3.Marshal
        sigs.k8s.io/yaml.Marshal""",
        FIRST,
    ),
}

# Methods whose error result does not depend on who declares them. Writes are decided by the
# writer (FG302's quiet writers) before this table is read.
METHODS: dict[str, Known] = {
    **_table(
        Kind.SQL,
        """Query QueryContext Exec ExecContext Begin BeginTx Prepare PrepareContext Queryx
        QueryxContext NamedExec NamedExecContext NamedQuery NamedQueryContext Beginx BeginTxx
        Preparex PreparexContext""",
    ),
    **_table(Kind.CAPABILITY, "RowsAffected LastInsertId"),
    **_table(
        Kind.IO,
        """ReadString ReadBytes ReadLine ReadRune ReadByte Read ReadAt Write WriteString WriteTo
        ReadFrom Seek Readdir Readdirnames Output CombinedOutput StdoutPipe StdinPipe StderrPipe""",
    ),
    **_table(Kind.NETWORK, "Do RoundTrip Dial DialContext Accept"),
    **_table(Kind.DECODE, "DecodeString"),
}


def imports(ctx: CheckContext) -> dict[str, str]:
    """The file's imported package names (alias or last path element) -> import path."""
    return ctx.memo("go-import-paths", lambda: _imports(ctx.root, ctx))


_VERSION = re.compile(r"v\d+")


def _imports(root: tree_sitter.Node, ctx: CheckContext) -> dict[str, str]:
    found: dict[str, str] = {}
    stack = [n for n in root.named_children if n.type == "import_declaration"]
    while stack:
        node = stack.pop()
        if node.type != "import_spec":
            stack.extend(node.named_children)
            continue
        path_node = node.child_by_field_name("path")
        if path_node is None:
            continue
        path = ctx.text(path_node).strip('"`')
        alias = node.child_by_field_name("name")
        if alias is not None:
            if alias.type == "package_identifier":
                found[ctx.text(alias)] = path
            continue  # `_` and `.` imports name nothing
        parts = path.split("/")
        last = parts[-2] if _VERSION.fullmatch(parts[-1]) and len(parts) > 1 else parts[-1]
        last = last.split(".", 1)[0]  # gopkg.in/yaml.v3 is yaml
        found[last] = path
        found.setdefault(re.sub(r"^go-|-go$", "", last).replace("-", ""), path)
    return found


def classify(ctx: CheckContext, call: GoCall) -> Known | None:
    """The table's entry for `call`, or None when the call is not a known one."""
    if not call.qualifier:
        return None
    path = imports(ctx).get(call.qualifier)
    if path is not None:
        return FUNCTIONS.get(f"{path}.{call.name}")
    return METHODS.get(call.name)  # a method: `rows.Scan`, `h.db.QueryContext`, `f().Read`
