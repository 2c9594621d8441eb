import net from "node:net";

// A loopback SMTP server for the end-to-end tests: the e2e server is started with
// CARTWISE_SMTP_HOST/PORT pointing here (scripts/test.sh), and a spec reads back what the CRM
// sent. It speaks just enough SMTP for a client: EHLO/HELO, MAIL, RCPT, DATA (dot-unstuffed),
// RSET, NOOP, QUIT. Independent of the Rust sink the server tests use.

export type Mail = { from: string; to: string[]; data: string };

export type Sink = { mails: Mail[]; close: () => Promise<void> };

export function startSink(port: number): Promise<Sink> {
  const mails: Mail[] = [];
  const server = net.createServer((socket) => {
    let buffer = "";
    let inData = false;
    let current: Mail = { from: "", to: [], data: "" };
    socket.write("220 cartwise-e2e-sink ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let end: number;
      while ((end = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            mails.push(current);
            current = { from: "", to: [], data: "" };
            socket.write(`250 2.0.0 OK queued as e2e-${mails.length}\r\n`);
          } else {
            current.data += (line.startsWith("..") ? line.slice(1) : line) + "\n";
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        const address = /<([^>]*)>/.exec(line)?.[1] ?? "";
        if (verb === "EHLO") socket.write("250-cartwise-e2e-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n");
        else if (verb === "HELO") socket.write("250 cartwise-e2e-sink\r\n");
        else if (verb === "MAIL") {
          current.from = address;
          socket.write("250 2.1.0 OK\r\n");
        } else if (verb === "RCPT") {
          current.to.push(address);
          socket.write("250 2.1.5 OK\r\n");
        } else if (verb === "DATA") {
          inData = true;
          socket.write("354 End data with <CR><LF>.<CR><LF>\r\n");
        } else if (verb === "QUIT") {
          socket.write("221 2.0.0 Bye\r\n");
          socket.end();
        } else socket.write("250 2.0.0 OK\r\n");
      }
    });
    socket.on("error", () => {});
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () =>
      resolve({ mails, close: () => new Promise((done) => server.close(() => done())) }),
    );
  });
}
