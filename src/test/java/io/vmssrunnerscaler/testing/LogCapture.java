package io.vmssrunnerscaler.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Every log record written while an action runs, with the named loggers turned up to a level:
 * logger name, formatted message and stack trace, one string a record. The levels are restored
 * afterwards. For tests that prove no secret reaches the log.
 */
public final class LogCapture {
    private LogCapture() {}

    public static List<String> during(List<String> loggers, Level level, Runnable action) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            private final SimpleFormatter format = new SimpleFormatter();

            @Override
            public void publish(LogRecord record) {
                StringWriter trace = new StringWriter();
                if (record.getThrown() != null) {
                    record.getThrown().printStackTrace(new PrintWriter(trace));
                }
                lines.add(record.getLoggerName() + " " + format.formatMessage(record) + " " + trace);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        handler.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        Map<String, Level> before = new HashMap<>();
        loggers.forEach(name -> before.put(name, Logger.getLogger(name).getLevel()));
        root.addHandler(handler);
        loggers.forEach(name -> Logger.getLogger(name).setLevel(level));
        try {
            action.run();
        } finally {
            root.removeHandler(handler);
            before.forEach((name, l) -> Logger.getLogger(name).setLevel(l));
        }
        return lines;
    }
}
