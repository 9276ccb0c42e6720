// hls::stream<T> for host C simulation: an unbounded FIFO with the interface of the HLS stream
// class (read/write, blocking and non-blocking forms, >> and <<, empty/full/size, a name).
//
// On hardware a read from an empty stream blocks. In C simulation nothing would ever fill it,
// so a read from an empty stream prints a warning on stderr naming the stream and returns a
// default-constructed value (zero for the ap types and C arithmetic types) instead of hanging.
// A stream destroyed with data still in it also prints a warning: both usually mean that a
// producer and its consumer disagree on the number of elements.
#ifndef HLS4ML_HOST_HLS_STREAM_H
#define HLS4ML_HOST_HLS_STREAM_H

#include <stddef.h>
#include <stdio.h>

#include <deque>
#include <string>

namespace hls {

template <typename T> class stream {
   public:
    stream() : name_("hls::stream") {}
    explicit stream(const char* name) : name_(name ? name : "hls::stream") {}
    explicit stream(const std::string& name) : name_(name) {}
    ~stream() {
        if (!fifo_.empty())
            fprintf(stderr, "WARNING: hls::stream '%s' destroyed with %lu element(s) never read\n",
                    name_.c_str(), (unsigned long)fifo_.size());
    }

    // -- state ----------------------------------------------------------------------------------
    bool empty() const { return fifo_.empty(); }
    bool full() const { return false; }  // unbounded on the host
    size_t size() const { return fifo_.size(); }
    const char* name() const { return name_.c_str(); }

    // -- blocking read / write ------------------------------------------------------------------
    void read(T& out) {
        if (fifo_.empty()) {
            fprintf(stderr,
                    "WARNING: hls::stream '%s' is read while empty; returning a default value "
                    "(on hardware this read would block forever)\n",
                    name_.c_str());
            out = T();
            return;
        }
        out = fifo_.front();
        fifo_.pop_front();
    }
    T read() {
        T out = T();
        read(out);
        return out;
    }
    void write(const T& in) { fifo_.push_back(in); }
    void operator>>(T& out) { read(out); }
    void operator<<(const T& in) { write(in); }

    // -- non-blocking forms: report success instead of blocking --------------------------------
    bool read_nb(T& out) {
        if (fifo_.empty()) return false;
        out = fifo_.front();
        fifo_.pop_front();
        return true;
    }
    bool write_nb(const T& in) {
        write(in);
        return true;
    }

   private:
    // A stream is a channel, not a value: copying one is a mistake in HLS code.
    stream(const stream&);
    stream& operator=(const stream&);

    std::deque<T> fifo_;
    std::string name_;
};

}  // namespace hls

#endif  // HLS4ML_HOST_HLS_STREAM_H
