using Google.Protobuf;
using Grpc.Core;
using Thestage.Serving.Protocol;

namespace Thestage.Server.Services;

/// <summary>
/// The service's base: binds its methods of <c>Protos/inference.proto</c> with marshallers of our own: a
/// message that does not parse as protobuf is refused with INVALID_ARGUMENT. The generated marshallers let the parser's
/// exception escape, which ASP.NET Core gRPC reports as UNKNOWN ("Exception was thrown by handler") for a unary call —
/// it reads the message before any handler or interceptor runs — and which a streaming handler would see as a fault of its
/// own. ASP.NET Core finds this binding through the <see cref="BindServiceMethodAttribute"/> here (in place of the generated
/// base's), resolves the handlers as the overrides of the abstract methods below, and reflection finds the service's
/// descriptor here.
/// </summary>
[BindServiceMethod(typeof(PrivateInferenceService), nameof(BindService))]
internal abstract class PrivateInferenceService
{
    /// <summary>The service's descriptor (server reflection reads it from the type that binds the service).</summary>
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => InferenceReflection.Descriptor.Services[0];

    /// <summary>Adds the service's methods to ASP.NET Core's binder (it calls this with a null service and resolves the
    /// handlers by method name).</summary>
    public static void BindService(ServiceBinderBase binder, PrivateInferenceService? service)
    {
        binder.AddMethod(Method(MethodType.Unary, "GetPlan", GetPlanRequest.Parser, GetPlanReply.Parser), service is null ? null : service.GetPlan);
        binder.AddMethod(Method(MethodType.Unary, "OpenSession", OpenSessionRequest.Parser, OpenSessionReply.Parser), service is null ? null : service.OpenSession);
        binder.AddMethod(Method(MethodType.ClientStreaming, "UploadKeys", KeyChunk.Parser, UploadKeysReply.Parser), service is null ? null : service.UploadKeys);
        binder.AddMethod(Method(MethodType.Unary, "Evaluate", EvaluateRequest.Parser, EvaluateReply.Parser), service is null ? null : service.Evaluate);
        binder.AddMethod(Method(MethodType.DuplexStreaming, "EvaluateStream", EvaluateRequest.Parser, EvaluateReply.Parser), service is null ? null : service.EvaluateStream);
        binder.AddMethod(Method(MethodType.Unary, "CloseSession", CloseSessionRequest.Parser, CloseSessionReply.Parser), service is null ? null : service.CloseSession);
    }

    public abstract Task<GetPlanReply> GetPlan(GetPlanRequest request, ServerCallContext context);

    public abstract Task<OpenSessionReply> OpenSession(OpenSessionRequest request, ServerCallContext context);

    public abstract Task<UploadKeysReply> UploadKeys(IAsyncStreamReader<KeyChunk> requestStream, ServerCallContext context);

    public abstract Task<EvaluateReply> Evaluate(EvaluateRequest request, ServerCallContext context);

    public abstract Task EvaluateStream(IAsyncStreamReader<EvaluateRequest> requestStream, IServerStreamWriter<EvaluateReply> responseStream, ServerCallContext context);

    public abstract Task<CloseSessionReply> CloseSession(CloseSessionRequest request, ServerCallContext context);

    private static Method<TRequest, TReply> Method<TRequest, TReply>(MethodType type, string name, MessageParser<TRequest> request, MessageParser<TReply> reply)
        where TRequest : class, IMessage<TRequest>
        where TReply : class, IMessage<TReply> =>
        new(type, Descriptor.FullName, name, Marshaller(request), Marshaller(reply));

    private static Marshaller<T> Marshaller<T>(MessageParser<T> parser)
        where T : class, IMessage<T> =>
        Marshallers.Create<T>(
            (message, context) =>
            {
                context.SetPayloadLength(message.CalculateSize());
                message.WriteTo(context.GetBufferWriter());
                context.Complete();
            },
            context =>
            {
                try
                {
                    return parser.ParseFrom(context.PayloadAsReadOnlySequence());
                }
                catch (InvalidProtocolBufferException e)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"The message is not a {typeof(T).Name}: {e.Message}"));
                }
            });
}
